import type { KernelConfig } from '@parvus/core';
import { Add } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const addConfig: KernelConfig = { kernelName: Add, backendName: 'reference', kernelFunc: arithmeticKernel('Add') };
