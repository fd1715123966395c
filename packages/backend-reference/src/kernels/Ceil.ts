import type { KernelConfig } from '@parvus/core';
import { Ceil } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const ceilConfig: KernelConfig = { kernelName: Ceil, backendName: 'reference', kernelFunc: unaryKernel('Ceil') };
