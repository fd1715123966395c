import type { KernelConfig } from '@parvus/core';
import { Pow } from '@parvus/core';
import { BACKEND_NAME, DOUBLE, FLOAT, binaryKernel } from './kernel-helpers.js';

/**
 * C pow semantics. float32 goes through float64 and is rounded once (as the reference backend's
 * Math.pow; float32 on WebGPU); int32 powers wrap as torch's (a negative exponent is the caller's error).
 */
export const powConfig: KernelConfig = {
  kernelName: Pow,
  backendName: BACKEND_NAME,
  kernelFunc: binaryKernel(Pow, (graph, a, b, dtype, { float64 }) => {
    if (dtype !== 'float32' || !float64) return graph.op('Pow', [a, b]);
    const to64 = (v: string): string => graph.op('Cast', [v], { to: DOUBLE });
    return graph.op('Cast', [graph.op('Pow', [to64(a), to64(b)])], { to: FLOAT });
  }, { dtypes: ['float32', 'int32'], comparison: false }),
};
