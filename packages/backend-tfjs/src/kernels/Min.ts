import type { KernelConfig, ReduceAttrs } from '@parvus/core';
import { Min } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { reduceExtremumExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';

/** Min over axes (none: the identity), keeping the dtype; NaN propagates. */
export const minConfig: KernelConfig<ReduceAttrs> = {
  kernelName: Min,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<ReduceAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    expectDTypes(Min, [x], ['float32', 'int32']);
    if (attrs.axes.length === 0) return tf.clone(x);
    return reduceExtremumExact('min', x, attrs.axes, attrs.keepDims, backend.semantics);
  }),
};
