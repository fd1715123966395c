import type { KernelConfig } from '@parvus/core';
import { Pow } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const powConfig: KernelConfig = { kernelName: Pow, backendName: 'reference', kernelFunc: arithmeticKernel('Pow') };
