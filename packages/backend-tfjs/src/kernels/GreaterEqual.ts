import type { KernelConfig } from '@parvus/core';
import { GreaterEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const greaterEqualConfig: KernelConfig = {
  kernelName: GreaterEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(GreaterEqual, (a, b) => tf.greaterEqual(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
