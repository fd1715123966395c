import type { KernelConfig, ReduceAttrs } from '@parvus/core';
import { Min } from '@parvus/core';
import { BACKEND_NAME } from './kernel-helpers.js';
import { extremumKernel } from './reduce-extremum.js';

export const minConfig: KernelConfig<ReduceAttrs> = { kernelName: Min, backendName: BACKEND_NAME, kernelFunc: extremumKernel('Min') };
