import type { KernelConfig } from '@parvus/core';
import { Abs } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/** On int32, x < 0 ? 0 − x : x (tfjs-wasm's abs goes through float32, losing |x| > 2^24). */
function absInt32(x: tf.Tensor): tf.Tensor {
  const zero = tf.scalar(0, 'int32');
  return tf.where(tf.less(x, zero), tf.sub(zero, x), x);
}

export const absConfig: KernelConfig = {
  kernelName: Abs,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Abs, (x) => tf.abs(x), absInt32, float32(Math.abs)),
};
