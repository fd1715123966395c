import type { KernelConfig } from '@parvus/core';
import { Log2 } from '@parvus/core';
import { BACKEND_NAME, DOUBLE, FLOAT, unaryKernel } from './kernel-helpers.js';

/**
 * ONNX has no Log2. On the CPU, log(x)/ln 2 in float64 rounded once to float32 is exact at powers
 * of two (power-of-two scaling depends on it) and correctly rounded elsewhere. WebGPU has no
 * float64: there y = log(x)/ln 2 in float32 is snapped to r = round(y) where 2^r = x exactly.
 */
export const log2Config: KernelConfig = {
  kernelName: Log2,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Log2, {
    float32: (graph, x, { float64 }) => {
      if (float64) {
        const log = graph.op('Log', [graph.op('Cast', [x], { to: DOUBLE })]);
        return graph.op('Cast', [graph.op('Div', [log, graph.scalar('float64', Math.LN2)])], { to: FLOAT });
      }
      const y = graph.op('Div', [graph.op('Log', [x]), graph.scalar('float32', Math.LN2)]);
      const r = graph.op('Round', [y]);
      const exact = graph.op('Equal', [graph.op('Pow', [graph.scalar('float32', 2), r]), x]);
      return graph.op('Where', [exact, r, y]);
    },
  }),
};
