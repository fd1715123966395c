import type { KernelConfig } from '@parvus/core';
import { Greater } from '@parvus/core';
import { BACKEND_NAME, comparisonKernel } from './kernel-helpers.js';

export const greaterConfig: KernelConfig = {
  kernelName: Greater,
  backendName: BACKEND_NAME,
  kernelFunc: comparisonKernel(Greater, 'Greater'),
};
