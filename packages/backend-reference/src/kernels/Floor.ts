import type { KernelConfig } from '@parvus/core';
import { Floor } from '@parvus/core';
import { unaryKernel } from './kernel-helpers.js';

export const floorConfig: KernelConfig = { kernelName: Floor, backendName: 'reference', kernelFunc: unaryKernel('Floor') };
