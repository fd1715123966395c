import type { KernelConfig } from '@parvus/core';
import { GreaterEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const greaterEqualConfig: KernelConfig = {
  kernelName: GreaterEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(GreaterEqual, (a, b, backend, shape) => compareOnHeap('Ge', a, b, shape, backend) ?? tf.greaterEqual(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a >= b ? 1 : 0))),
};
