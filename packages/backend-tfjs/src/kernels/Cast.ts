import type { CastAttrs, KernelConfig } from '@parvus/core';
import { Cast } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';
import { anyDType, tinyUnary } from '../impl/tiny.js';

const INT32_MIN = -2147483648;

/**
 * Casts as torch on x86: float32 → int32 truncates toward zero, NaN and out-of-range values give
 * INT32_MIN (tfjs would wrap them); anything non-zero, NaN included, is true.
 */
function cast(x: tf.Tensor, dtype: tf.DataType): tf.Tensor {
  if (x.dtype === dtype) return tf.clone(x);
  if (dtype === 'bool') return tf.notEqual(x, tf.scalar(0, x.dtype));
  if (dtype === 'int32' && x.dtype === 'float32') {
    const inRange = tf.logicalAnd(tf.greaterEqual(x, INT32_MIN), tf.less(x, 2147483648));
    // Out-of-range values are replaced before the conversion, which need not handle them.
    const truncated = tf.cast(tf.where(inRange, x, tf.zerosLike(x)), 'int32');
    return tf.where(inRange, truncated, tf.fill(x.shape, INT32_MIN, 'int32'));
  }
  return tf.cast(x, dtype);
}

/** The same cast on one element (its output array rounds int32 to float32 and wraps nothing). */
function castElement(from: tf.DataType, to: tf.DataType): (x: number) => number {
  if (to === 'bool') return (x) => (x !== 0 ? 1 : 0);
  if (to === 'int32' && from === 'float32') return (x) => (x >= INT32_MIN && x < 2147483648 ? Math.trunc(x) : INT32_MIN);
  return (x) => x;
}

export const castConfig: KernelConfig<CastAttrs> = {
  kernelName: Cast,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<CastAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    const element = anyDType(castElement(x.dtype, attrs.dtype));
    return tinyUnary(backend, x, attrs.dtype as 'float32' | 'int32' | 'bool', element) ?? cast(x, attrs.dtype);
  }),
};
