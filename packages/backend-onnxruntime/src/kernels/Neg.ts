import type { KernelConfig } from '@parvus/core';
import { Neg } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

export const negConfig: KernelConfig = {
  kernelName: Neg,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Neg, { float32: (graph, x) => graph.op('Neg', [x]), int32: (graph, x) => graph.op('Neg', [x]) }),
};
