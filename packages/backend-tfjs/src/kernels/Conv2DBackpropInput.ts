import type { Conv2DBackpropInputAttrs, KernelConfig } from '@parvus/core';
import { Conv2DBackpropInput } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { convBackpropInputNHWC, convBackpropInputOnHeap, toNCHW, toNHWC } from '../impl/conv.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';

/** dy [N, O, Ho, Wo], w [O, C/groups, kh, kw] → dx with the attrs' inputShape (col2im of a matrix product on tfjs-wasm, else a convolution: impl/conv.ts). */
export const conv2DBackpropInputConfig: KernelConfig<Conv2DBackpropInputAttrs> = {
  kernelName: Conv2DBackpropInput,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<Conv2DBackpropInputAttrs>(({ inputs, attrs, backend }) => {
    const [dy, w] = inputs as [tf.Tensor4D, tf.Tensor4D];
    expectDTypes(Conv2DBackpropInput, [dy, w], ['float32']);
    return convBackpropInputOnHeap(dy, w, attrs.inputShape, attrs, backend)
      ?? toNCHW(convBackpropInputNHWC(toNHWC(dy, backend), w, attrs.inputShape, attrs), backend);
  }),
};
