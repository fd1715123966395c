import type { KernelConfig } from '@parvus/core';
import { Add } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const addConfig: KernelConfig = {
  kernelName: Add,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Add, (a, b) => tf.add(a, b), ['float32', 'int32']),
};
