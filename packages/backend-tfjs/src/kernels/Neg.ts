import type { KernelConfig } from '@parvus/core';
import { Neg } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/** On int32, 0 − x (tfjs-wasm negates int32 through float32, losing |x| > 2^24). */
export const negConfig: KernelConfig = {
  kernelName: Neg,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Neg, (x) => tf.neg(x), (x) => tf.sub(tf.scalar(0, 'int32'), x), float32((x) => -x)),
};
