import type { KernelConfig } from '@parvus/core';
import { Sign } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

/** torch.sign is (0 < x) − (x < 0): +0 for ±0 and for NaN, whatever tf.sign does there. */
function sign(x: tf.Tensor): tf.Tensor {
  const zero = tf.scalar(0, x.dtype);
  return tf.sub(tf.cast(tf.greater(x, zero), x.dtype), tf.cast(tf.less(x, zero), x.dtype));
}

export const signConfig: KernelConfig = {
  kernelName: Sign,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Sign, sign, sign, anyDType((x) => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0))),
};
