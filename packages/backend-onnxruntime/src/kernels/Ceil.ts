import type { KernelConfig } from '@parvus/core';
import { Ceil } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

export const ceilConfig: KernelConfig = {
  kernelName: Ceil,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Ceil, { float32: (graph, x) => graph.op('Ceil', [x]), int32: 'identity' }),
};
