import type { KernelConfig } from '@parvus/core';
import { Pow } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const powConfig: KernelConfig = {
  kernelName: Pow,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Pow, (a, b) => tf.pow(a, b), ['float32', 'int32']),
};
