import type { KernelConfig } from '@parvus/core';
import { Equal } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const equalConfig: KernelConfig = { kernelName: Equal, backendName: 'reference', kernelFunc: comparisonKernel('Equal') };
