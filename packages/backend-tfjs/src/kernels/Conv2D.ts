import type { Conv2DAttrs, KernelConfig } from '@parvus/core';
import { Conv2D } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { convNHWC, toHWIO, toNCHW, toNHWC } from '../impl/conv.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';

/** x [N, C, H, W] ⋆ w [O, C/groups, kh, kw] → [N, O, Ho, Wo], through tfjs's NHWC convolution. */
export const conv2DConfig: KernelConfig<Conv2DAttrs> = {
  kernelName: Conv2D,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<Conv2DAttrs>(({ inputs, attrs, backend }) => {
    const [x, w] = inputs as [tf.Tensor4D, tf.Tensor4D];
    expectDTypes(Conv2D, [x, w], ['float32']);
    return toNCHW(convNHWC(toNHWC(x, backend), toHWIO(w), attrs), backend);
  }),
};
