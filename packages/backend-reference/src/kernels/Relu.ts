import type { KernelConfig } from '@parvus/core';
import { Relu } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const reluConfig: KernelConfig = { kernelName: Relu, backendName: 'reference', kernelFunc: unaryKernel('Relu') };
