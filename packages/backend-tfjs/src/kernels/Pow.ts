import type { KernelConfig } from '@parvus/core';
import { Pow, powHost } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/** On tiny float32 tensors on host data, C's pow rounded to float32 (powHost), as the reference backend. */
export const powConfig: KernelConfig = {
  kernelName: Pow,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Pow, (a, b, backend) => {
    const y = tf.pow(a, b);
    if (a.dtype !== 'float32' || backend.semantics.powIsCPow) return y;
    // tfjs-cpu's pow is Math.pow: bases ±1 against NaN or ±Inf give NaN where C's pow gives 1.
    const one = tf.logicalOr(tf.equal(a, 1), tf.logicalAnd(tf.equal(a, -1), tf.equal(tf.abs(b), Infinity)));
    return tf.where(one, tf.onesLike(y), y);
  }, ['float32', 'int32'], undefined, float32(powHost)),
};
