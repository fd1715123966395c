import type { KernelConfig, TensorInfo } from '@parvus/core';
import { Where } from '@parvus/core';
import { broadcastShape } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime } from './kernel-helpers.js';

/**
 * where(condition, a, b) with three-way broadcasting, copying values exactly. Two onnxruntime
 * quirks are worked around: its Where has no bool kernel, so bool operands select with logic,
 * (c ∧ a) ∨ (¬c ∧ b); and it merges its two selections with `x != 0 ? x : y`, which turns a −0
 * taken from `a` into +0, so float32 results are multiplied by −1 exactly where that happened.
 */
export const whereConfig: KernelConfig = {
  kernelName: Where,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, backend }) => {
    const b = asOnnxruntime(backend);
    const [condition, x, y] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    if (condition.dtype !== 'bool') throw new Error(`Where: condition must be bool, got ${condition.dtype}`);
    if (x.dtype !== y.dtype) throw new Error(`Where: operand dtypes differ (${x.dtype}, ${y.dtype})`);
    const shape = broadcastShape(broadcastShape(condition.shape, x.shape), y.shape);
    return b.runGraph({
      kernelName: Where,
      key: '',
      inputs: [condition, x, y],
      outputs: [{ shape, dtype: x.dtype }],
      build: (graph, [c, a, o]) => {
        if (x.dtype === 'int32') return [graph.op('Where', [c as string, a as string, o as string])];
        if (x.dtype === 'float32') {
          const selected = graph.op('Where', [c as string, a as string, o as string]);
          const zero = graph.scalar('float32', 0);
          const negativeZero = graph.op('And', [
            graph.op('Equal', [a as string, zero]),
            graph.op('Less', [graph.op('Div', [graph.scalar('float32', 1), a as string]), zero]),
          ]);
          const lostSign = graph.op('And', [c as string, negativeZero]);
          const factor = graph.op('Where', [lostSign, graph.scalar('float32', -1), graph.scalar('float32', 1)]);
          return [graph.op('Mul', [selected, factor])];
        }
        const chosen = graph.op('And', [c as string, a as string]);
        const other = graph.op('And', [graph.op('Not', [c as string]), o as string]);
        return [graph.op('Or', [chosen, other])];
      },
    })[0] as TensorInfo;
  },
};
