import type { KernelConfig } from '@parvus/core';
import { Div } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const divConfig: KernelConfig = { kernelName: Div, backendName: 'reference', kernelFunc: arithmeticKernel('Div') };
