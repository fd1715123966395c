import type { KernelConfig } from '@parvus/core';
import { Ceil } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

/** Integers are their own ceil. */
export const ceilConfig: KernelConfig = {
  kernelName: Ceil,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Ceil, (x) => tf.ceil(x), (x) => tf.clone(x), anyDType(Math.ceil)),
};
