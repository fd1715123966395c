import type { KernelConfig } from '@parvus/core';
import { Log2 } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const log2Config: KernelConfig = { kernelName: Log2, backendName: 'reference', kernelFunc: unaryKernel('Log2') };
