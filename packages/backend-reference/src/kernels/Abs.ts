import type { KernelConfig } from '@parvus/core';
import { Abs } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const absConfig: KernelConfig = { kernelName: Abs, backendName: 'reference', kernelFunc: unaryKernel('Abs') };
