import type { KernelConfig } from '@parvus/core';
import { Sigmoid } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const sigmoidConfig: KernelConfig = { kernelName: Sigmoid, backendName: 'reference', kernelFunc: unaryKernel('Sigmoid') };
