import type { KernelConfig } from '@parvus/core';
import { Less } from '@parvus/core';
import { BACKEND_NAME, comparisonKernel } from './kernel-helpers.js';

export const lessConfig: KernelConfig = {
  kernelName: Less,
  backendName: BACKEND_NAME,
  kernelFunc: comparisonKernel(Less, 'Less'),
};
