import type { KernelConfig } from '@parvus/core';
import { Log } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const logConfig: KernelConfig = { kernelName: Log, backendName: 'reference', kernelFunc: unaryKernel('Log') };
