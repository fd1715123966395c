import type { KernelConfig } from '@parvus/core';
import { Trunc } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const truncConfig: KernelConfig = { kernelName: Trunc, backendName: 'reference', kernelFunc: unaryKernel('Trunc') };
