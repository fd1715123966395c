import type { KernelConfig } from '@parvus/core';
import { Abs } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';

export const absConfig: KernelConfig = {
  kernelName: Abs,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Abs, { float32: (graph, x) => graph.op('Abs', [x]), int32: (graph, x) => graph.op('Abs', [x]) }),
};
