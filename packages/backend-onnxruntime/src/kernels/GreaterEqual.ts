import type { KernelConfig } from '@parvus/core';
import { GreaterEqual } from '@parvus/core';
import { BACKEND_NAME, comparisonKernel } from './kernel-helpers.js';

export const greaterEqualConfig: KernelConfig = {
  kernelName: GreaterEqual,
  backendName: BACKEND_NAME,
  kernelFunc: comparisonKernel(GreaterEqual, 'GreaterOrEqual'),
};
