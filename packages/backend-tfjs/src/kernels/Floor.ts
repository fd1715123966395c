import type { KernelConfig } from '@parvus/core';
import { Floor } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { anyDType } from '../impl/tiny.js';

/** Integers are their own floor. */
export const floorConfig: KernelConfig = {
  kernelName: Floor,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Floor, (x) => tf.floor(x), (x) => tf.clone(x), anyDType(Math.floor)),
};
