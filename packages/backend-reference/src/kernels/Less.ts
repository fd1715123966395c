import type { KernelConfig } from '@parvus/core';
import { Less } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const lessConfig: KernelConfig = { kernelName: Less, backendName: 'reference', kernelFunc: comparisonKernel('Less') };
