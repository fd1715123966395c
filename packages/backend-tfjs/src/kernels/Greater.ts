import type { KernelConfig } from '@parvus/core';
import { Greater } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { compareOnHeap } from '../impl/compare.js';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

export const greaterConfig: KernelConfig = {
  kernelName: Greater,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Greater, (a, b, backend, shape) => compareOnHeap('Gt', a, b, shape, backend) ?? tf.greater(a, b), ['float32', 'int32', 'bool'], 'bool', anyDType((a, b) => (a > b ? 1 : 0))),
};
