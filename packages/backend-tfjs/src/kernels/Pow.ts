import type { KernelConfig } from '@parvus/core';
import { Pow } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/** On tiny float32 tensors on host data, Math.pow rounded to float32, as the reference backend. */
export const powConfig: KernelConfig = {
  kernelName: Pow,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Pow, (a, b) => tf.pow(a, b), ['float32', 'int32'], undefined, float32(Math.pow)),
};
