import type { KernelConfig } from '@parvus/core';
import { Log2 } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/**
 * tfjs has no log2, and log(x)/ln 2 misses powers of two (power-of-two scaling needs log2(2^k) = k
 * exactly). So: r = log(x)·(1/ln 2), and where 2^round(r) is x itself, the integer round(r).
 * NaN, ±Inf, 0 and negatives fall through r (pow(2, ±Inf) and NaN compare as they should).
 */
function log2(x: tf.Tensor): tf.Tensor {
  const r = tf.mul(tf.log(x), 1 / Math.LN2);
  const k = tf.round(r);
  return tf.where(tf.equal(tf.pow(tf.scalar(2), k), x), k, r);
}

export const log2Config: KernelConfig = {
  kernelName: Log2,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Log2, log2, undefined, float32(Math.log2)),
};
