import type { KernelConfig } from '@parvus/core';
import { LessEqual } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const lessEqualConfig: KernelConfig = { kernelName: LessEqual, backendName: 'reference', kernelFunc: comparisonKernel('LessEqual') };
