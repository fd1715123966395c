import type { KernelConfig } from '@parvus/core';
import { Add } from '@parvus/core';
import { BACKEND_NAME, arithmeticKernel } from './kernel-helpers.js';

export const addConfig: KernelConfig = {
  kernelName: Add,
  backendName: BACKEND_NAME,
  kernelFunc: arithmeticKernel(Add, 'Add'),
};
