import type { KernelConfig, SliceAttrs } from '@parvus/core';
import { Slice } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';

export const sliceConfig: KernelConfig<SliceAttrs> = {
  kernelName: Slice,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<SliceAttrs>(({ inputs, attrs }) => tf.slice(inputs[0] as tf.Tensor, attrs.begin, attrs.size)),
};
