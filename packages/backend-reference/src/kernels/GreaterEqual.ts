import type { KernelConfig } from '@parvus/core';
import { GreaterEqual } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const greaterEqualConfig: KernelConfig = { kernelName: GreaterEqual, backendName: 'reference', kernelFunc: comparisonKernel('GreaterEqual') };
