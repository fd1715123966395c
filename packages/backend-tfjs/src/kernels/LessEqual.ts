import type { KernelConfig } from '@parvus/core';
import { LessEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const lessEqualConfig: KernelConfig = {
  kernelName: LessEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(LessEqual, (a, b) => tf.lessEqual(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
