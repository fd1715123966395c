import type { ArgMaxAttrs, KernelConfig } from '@parvus/core';
import { ArgMax } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';

/** The first maximum along one axis; the first NaN counts as the maximum (torch.argmax). */
export const argMaxConfig: KernelConfig<ArgMaxAttrs> = {
  kernelName: ArgMax,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<ArgMaxAttrs>(({ inputs, attrs }) => {
    const x = inputs[0] as tf.Tensor;
    expectDTypes(ArgMax, [x], ['float32', 'int32']);
    const { axis, keepDims } = attrs;
    let index = tf.argMax(x, axis);
    if (x.dtype === 'float32') {
      // tf.argMax skips NaN; the index of the first NaN (first 1 of the mask) replaces it.
      const nan = tf.isNaN(x);
      index = tf.where(tf.any(nan, axis), tf.argMax(tf.cast(nan, 'int32'), axis), index);
    }
    return keepDims ? tf.expandDims(index, axis) : index;
  }),
};
