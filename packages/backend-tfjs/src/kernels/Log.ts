import type { KernelConfig } from '@parvus/core';
import { Log } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';

export const logConfig: KernelConfig = {
  kernelName: Log,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Log, (x) => tf.log(x)),
};
