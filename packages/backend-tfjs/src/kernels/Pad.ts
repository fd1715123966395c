import type { KernelConfig, PadAttrs } from '@parvus/core';
import { Pad } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';

/** Constant padding, paddings[i] = [before, after]. */
export const padConfig: KernelConfig<PadAttrs> = {
  kernelName: Pad,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<PadAttrs>(({ inputs, attrs }) =>
    tf.pad(inputs[0] as tf.Tensor, attrs.paddings.map(([a, b]) => [a, b] as [number, number]), attrs.constantValue)),
};
