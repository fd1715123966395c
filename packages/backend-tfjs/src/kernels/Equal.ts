import type { KernelConfig } from '@parvus/core';
import { Equal } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const equalConfig: KernelConfig = {
  kernelName: Equal,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Equal, (a, b, backend, shape) => compareOnHeap('Eq', a, b, shape, backend) ?? tf.equal(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a === b ? 1 : 0))),
};
