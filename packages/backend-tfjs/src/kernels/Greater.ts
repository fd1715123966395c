import type { KernelConfig } from '@parvus/core';
import { Greater } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const greaterConfig: KernelConfig = {
  kernelName: Greater,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Greater, (a, b) => tf.greater(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
