import type { KernelConfig } from '@parvus/core';
import { Sqrt } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

export const sqrtConfig: KernelConfig = {
  kernelName: Sqrt,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Sqrt, (x) => tf.sqrt(x), undefined, float32(Math.sqrt)),
};
