import type { KernelConfig } from '@parvus/core';
import { Exp } from '@parvus/core';
import { BACKEND_NAME, unaryKernel } from './kernel-helpers.js';
import { sleefExp } from './sleef-exp.js';

/** exp bit for bit as torch's (SLEEF expf_u10, see sleef-exp.ts); plain Exp on WebGPU. */
export const expConfig: KernelConfig = {
  kernelName: Exp,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Exp, {
    float32: (graph, x, { float64 }) => (float64 ? sleefExp(graph, x) : graph.op('Exp', [x])),
  }),
};
