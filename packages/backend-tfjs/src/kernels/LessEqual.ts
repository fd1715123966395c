import type { KernelConfig } from '@parvus/core';
import { LessEqual } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const lessEqualConfig: KernelConfig = {
  kernelName: LessEqual,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(LessEqual, (a, b, backend, shape) => compareOnHeap('Le', a, b, shape, backend) ?? tf.lessEqual(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a <= b ? 1 : 0))),
};
