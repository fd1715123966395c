import type { KernelConfig } from '@parvus/core';
import { Sub } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

export const subConfig: KernelConfig = {
  kernelName: Sub,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Sub, (a, b) => tf.sub(a, b), ['float32', 'int32'], undefined, float32((a, b) => a - b)),
};
