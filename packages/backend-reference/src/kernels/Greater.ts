import type { KernelConfig } from '@parvus/core';
import { Greater } from '@parvus/core';
import { comparisonKernel } from './kernel-helpers.js';

export const greaterConfig: KernelConfig = { kernelName: Greater, backendName: 'reference', kernelFunc: comparisonKernel('Greater') };
