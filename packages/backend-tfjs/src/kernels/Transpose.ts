import type { KernelConfig, TransposeAttrs } from '@parvus/core';
import { Transpose } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';
import { transposeOn } from '../impl/layout.js';

export const transposeConfig: KernelConfig<TransposeAttrs> = {
  kernelName: Transpose,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<TransposeAttrs>(({ inputs, attrs, backend }) => transposeOn(backend, inputs[0] as tf.Tensor, attrs.perm)),
};
