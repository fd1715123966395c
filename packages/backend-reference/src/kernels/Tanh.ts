import type { KernelConfig } from '@parvus/core';
import { Tanh } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const tanhConfig: KernelConfig = { kernelName: Tanh, backendName: 'reference', kernelFunc: unaryKernel('Tanh') };
