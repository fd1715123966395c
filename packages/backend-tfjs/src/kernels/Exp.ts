import type { KernelConfig } from '@parvus/core';
import { Exp } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';

export const expConfig: KernelConfig = {
  kernelName: Exp,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Exp, (x) => tf.exp(x)),
};
