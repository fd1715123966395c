import type { KernelConfig } from '@parvus/core';
import { Less } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';

export const lessConfig: KernelConfig = {
  kernelName: Less,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Less, (a, b) => tf.less(a, b), ['float32', 'int32', 'bool'], 'bool'),
};
