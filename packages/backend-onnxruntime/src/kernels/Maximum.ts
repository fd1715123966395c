import type { KernelConfig } from '@parvus/core';
import { Maximum } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

/** ONNX Max propagates NaN, as torch.maximum. */
export const maximumConfig: KernelConfig = {
  kernelName: Maximum,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Maximum, 'Max'),
};
