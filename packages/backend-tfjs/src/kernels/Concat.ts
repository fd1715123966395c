import type { ConcatAttrs, KernelConfig } from '@parvus/core';
import { Concat } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';

/** Concatenate one or more same-dtype tensors along an axis. */
export const concatConfig: KernelConfig<ConcatAttrs> = {
  kernelName: Concat,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<ConcatAttrs>(({ inputs, attrs }) => {
    const first = inputs[0];
    if (!first) throw new Error('Concat needs at least one input');
    if (inputs.some((t) => t.dtype !== first.dtype)) throw new Error(`operand dtypes differ (${inputs.map((t) => t.dtype).join(', ')})`);
    return inputs.length === 1 ? tf.clone(first) : tf.concat(inputs, attrs.axis);
  }),
};
