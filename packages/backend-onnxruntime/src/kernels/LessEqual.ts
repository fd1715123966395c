import type { KernelConfig } from '@parvus/core';
import { LessEqual } from '@parvus/core';
import { BACKEND_NAME, comparisonKernel } from './kernel-helpers.js';

export const lessEqualConfig: KernelConfig = {
  kernelName: LessEqual,
  backendName: BACKEND_NAME,
  kernelFunc: comparisonKernel(LessEqual, 'LessOrEqual'),
};
