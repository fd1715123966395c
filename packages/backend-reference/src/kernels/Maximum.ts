import type { KernelConfig } from '@parvus/core';
import { Maximum } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const maximumConfig: KernelConfig = { kernelName: Maximum, backendName: 'reference', kernelFunc: arithmeticKernel('Maximum') };
