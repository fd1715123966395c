import type { KernelConfig } from '@parvus/core';
import { NotEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const notEqualConfig: KernelConfig = {
  kernelName: NotEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(NotEqual, (a, b, backend, shape) => compareOnHeap('Ne', a, b, shape, backend) ?? tf.notEqual(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a !== b ? 1 : 0))),
};
