import type { KernelConfig } from '@parvus/core';
import { Less } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const lessConfig: KernelConfig = {
  kernelName: Less,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Less, (a, b, backend, shape) => compareOnHeap('Lt', a, b, shape, backend) ?? tf.less(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a < b ? 1 : 0))),
};
