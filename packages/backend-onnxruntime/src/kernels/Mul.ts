import type { KernelConfig } from '@parvus/core';
import { Mul } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

export const mulConfig: KernelConfig = {
  kernelName: Mul,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Mul, 'Mul'),
};
