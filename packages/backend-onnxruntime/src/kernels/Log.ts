import type { KernelConfig } from '@parvus/core';
import { Log } from '@parvus/core';
import { BACKEND_NAME, inFloat64, unaryKernel } from './kernel-helpers.js';

/** Correctly rounded through float64 (as the reference backend's Math.log); float32 on WebGPU. */
export const logConfig: KernelConfig = {
  kernelName: Log,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Log, {
    float32: (graph, x, { float64 }) => (float64 ? inFloat64(graph, x, 'Log') : graph.op('Log', [x])),
  }),
};
