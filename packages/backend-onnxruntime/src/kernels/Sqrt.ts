import type { KernelConfig } from '@parvus/core';
import { Sqrt } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

export const sqrtConfig: KernelConfig = {
  kernelName: Sqrt,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Sqrt, { float32: (graph, x) => graph.op('Sqrt', [x]) }),
};
