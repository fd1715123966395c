import type { KernelConfig } from '@parvus/core';
import { Div } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, binaryKernel } from '../impl/kernel.js';
import { float32 } from '../impl/tiny.js';

/** True division; core only dispatches it on float32. */
export const divConfig: KernelConfig = {
  kernelName: Div,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: binaryKernel(Div, (a, b) => tf.div(a, b), ['float32'], undefined, float32((a, b) => a / b)),
};
