import type { Conv2DBackpropFilterAttrs, KernelConfig } from '@parvus/core';
import { Conv2DBackpropFilter } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { convBackpropFilter } from '../impl/conv.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';

/**
 * x [N, C, H, W], dy [N, O, Ho, Wo] → dw with the attrs' filterShape. A convolution over the batch
 * (impl/conv.ts), so it also runs where tfjs has no Conv2DBackpropFilter (wasm).
 */
export const conv2DBackpropFilterConfig: KernelConfig<Conv2DBackpropFilterAttrs> = {
  kernelName: Conv2DBackpropFilter,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<Conv2DBackpropFilterAttrs>(({ inputs, attrs, backend }) => {
    const [x, dy] = inputs as [tf.Tensor4D, tf.Tensor4D];
    expectDTypes(Conv2DBackpropFilter, [x, dy], ['float32']);
    return convBackpropFilter(x, dy, attrs.filterShape, attrs, backend);
  }),
};
