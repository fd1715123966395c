import type { KernelConfig } from '@parvus/core';
import { NotEqual } from '@parvus/core';
import { BACKEND_NAME, binaryKernel } from './kernel-helpers.js';

/** not(a = b): true when either operand is NaN, as torch.ne. */
export const notEqualConfig: KernelConfig = {
  kernelName: NotEqual,
  backendName: BACKEND_NAME,
  kernelFunc: binaryKernel(NotEqual, (graph, a, b) => graph.op('Not', [graph.op('Equal', [a, b])]), {
    dtypes: ['float32', 'int32', 'bool'],
    comparison: true,
  }),
};
