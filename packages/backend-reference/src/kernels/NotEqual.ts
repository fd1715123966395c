import type { KernelConfig } from '@parvus/core';
import { NotEqual } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const notEqualConfig: KernelConfig = { kernelName: NotEqual, backendName: 'reference', kernelFunc: comparisonKernel('NotEqual') };
