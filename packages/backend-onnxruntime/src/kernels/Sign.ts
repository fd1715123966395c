import type { KernelConfig } from '@parvus/core';
import { Sign } from '@parvus/core';
import { BACKEND_NAME, FLOAT, unaryKernel } from './kernel-helpers.js';

/**
 * torch.sign is (0 < x) − (x < 0): +0 for ±0 and for NaN. ONNX Sign returns NaN for NaN, so float32
 * is built from the two comparisons.
 */
export const signConfig: KernelConfig = {
  kernelName: Sign,
  backendName: BACKEND_NAME,
  kernelFunc: unaryKernel(Sign, {
    float32: (graph, x) => {
      const zero = graph.scalar('float32', 0);
      const positive = graph.op('Cast', [graph.op('Greater', [x, zero])], { to: FLOAT });
      const negative = graph.op('Cast', [graph.op('Less', [x, zero])], { to: FLOAT });
      return graph.op('Sub', [positive, negative]);
    },
    int32: (graph, x) => graph.op('Sign', [x]),
  }),
};
