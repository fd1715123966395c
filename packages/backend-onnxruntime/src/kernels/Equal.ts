import type { KernelConfig } from '@parvus/core';
import { Equal } from '@parvus/core';
import { BACKEND_NAME, binaryKernel } from './kernel-helpers.js';

export const equalConfig: KernelConfig = {
  kernelName: Equal,
  backendName: BACKEND_NAME,
  kernelFunc: binaryKernel(Equal, (graph, a, b) => graph.op('Equal', [a, b]), { dtypes: ['float32', 'int32', 'bool'], comparison: true }),
};
