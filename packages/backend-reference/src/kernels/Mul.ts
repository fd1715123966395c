import type { KernelConfig } from '@parvus/core';
import { Mul } from '@parvus/core';
import { arithmeticKernel } from './kernel-helpers.js';

export const mulConfig: KernelConfig = { kernelName: Mul, backendName: 'reference', kernelFunc: arithmeticKernel('Mul') };
