import type { KernelConfig } from '@parvus/core';
import { Sqrt } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const sqrtConfig: KernelConfig = { kernelName: Sqrt, backendName: 'reference', kernelFunc: unaryKernel('Sqrt') };
