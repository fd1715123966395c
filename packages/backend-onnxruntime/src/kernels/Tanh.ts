import type { KernelConfig } from '@parvus/core';
import { Tanh } from '@parvus/core';
import { BACKEND_NAME, inFloat64, unaryKernel } from './kernel-helpers.js';

/** Correctly rounded through float64 (as the reference backend's Math.tanh); float32 on WebGPU. */
export const tanhConfig: KernelConfig = {
  kernelName: Tanh,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Tanh, {
    float32: (graph, x, { float64 }) => (float64 ? inFloat64(graph, x, 'Tanh') : graph.op('Tanh', [x])),
  }),
};
