import type { KernelConfig } from '@parvus/core';
import { Sign } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const signConfig: KernelConfig = { kernelName: Sign, backendName: 'reference', kernelFunc: unaryKernel('Sign') };
