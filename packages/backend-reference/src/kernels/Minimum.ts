import type { KernelConfig } from '@parvus/core';
import { Minimum } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const minimumConfig: KernelConfig = { kernelName: Minimum, backendName: 'reference', kernelFunc: arithmeticKernel('Minimum') };
