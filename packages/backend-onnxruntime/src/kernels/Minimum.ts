import type { KernelConfig } from '@parvus/core';
import { Minimum } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

/** ONNX Min propagates NaN, as torch.minimum. */
export const minimumConfig: KernelConfig = {
  kernelName: Minimum,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Minimum, 'Min'),
};
