import type { KernelConfig } from '@parvus/core';
import { Exp } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const expConfig: KernelConfig = { kernelName: Exp, backendName: 'reference', kernelFunc: unaryKernel('Exp') };
