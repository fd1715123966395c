import type { KernelConfig } from '@parvus/core';
import { Sub } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

export const subConfig: KernelConfig = {
  kernelName: Sub,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Sub, 'Sub'),
};
