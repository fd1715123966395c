import type { KernelConfig } from '@parvus/core';
import { Neg } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const negConfig: KernelConfig = { kernelName: Neg, backendName: 'reference', kernelFunc: unaryKernel('Neg') };
