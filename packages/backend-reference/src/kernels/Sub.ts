import type { KernelConfig } from '@parvus/core';
import { Sub } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const subConfig: KernelConfig = { kernelName: Sub, backendName: 'reference', kernelFunc: arithmeticKernel('Sub') };
