import type { KernelConfig, ReduceAttrs } from '@parvus/core';
import { Max } from '@parvus/core';
import { BACKEND_NAME } from './kernel-helpers.js';
import { extremumKernel } from './reduce-extremum.js';

export const maxConfig: KernelConfig<ReduceAttrs> = { kernelName: Max, backendName: BACKEND_NAME, kernelFunc: extremumKernel('Max') };
