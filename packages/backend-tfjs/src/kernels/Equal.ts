import type { KernelConfig } from '@parvus/core';
import { Equal } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const equalConfig: KernelConfig = {
  kernelName: Equal,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Equal, (a, b) => tf.equal(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
