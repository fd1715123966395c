import type { KernelConfig } from '@parvus/core';
import { Round } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const roundConfig: KernelConfig = { kernelName: Round, backendName: 'reference', kernelFunc: unaryKernel('Round') };
