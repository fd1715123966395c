import type { KernelConfig } from '@parvus/core';
import { NotEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const notEqualConfig: KernelConfig = {
  kernelName: NotEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(NotEqual, (a, b) => tf.notEqual(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
