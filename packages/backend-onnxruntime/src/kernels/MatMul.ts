import type { KernelConfig, MatMulAttrs, TensorInfo } from '@parvus/core';
import { MatMul, formatShape } from '@parvus/core';
import type { OnnxGraph } from '../graph/onnx-graph.js';
import { broadcastShape } from '../shape.js';
import { BACKEND_NAME, asOnnxruntime, attrsKey } from './kernel-helpers.js';

/** Swap the last two axes of a rank-`rank` value. */
function transposeLastTwo(graph: OnnxGraph, value: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return graph.op('Transpose', [value], { perm });
}

/**
 * Batched matrix product with broadcast batch dimensions. Rank-2 operands use Gemm, whose transA
 * and transB avoid materialising a transpose; batched ones transpose, then MatMul. An inner
 * dimension of 0 gives zeros without a graph.
 */
export const matMulConfig: KernelConfig<MatMulAttrs> = {
  kernelName: MatMul,
  backendName: BACKEND_NAME,
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asOnnxruntime(backend);
    const [x, y] = inputs as [TensorInfo, TensorInfo];
    const { transposeA, transposeB } = attrs;
    if (x.dtype !== 'float32' || y.dtype !== 'float32') throw new Error(`MatMul needs float32 operands, got ${x.dtype} and ${y.dtype}`);
    if (x.shape.length < 2 || y.shape.length < 2) throw new Error(`MatMul needs operands of rank ≥ 2, got ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
    const ra = x.shape.length;
    const rb = y.shape.length;
    const m = x.shape[transposeA ? ra - 1 : ra - 2] as number;
    const k = x.shape[transposeA ? ra - 2 : ra - 1] as number;
    const k2 = y.shape[transposeB ? rb - 1 : rb - 2] as number;
    const n = y.shape[transposeB ? rb - 2 : rb - 1] as number;
    if (k !== k2) {
      throw new Error(`MatMul inner dimensions differ: ${formatShape(x.shape)}${transposeA ? 'ᵀ' : ''} × ${formatShape(y.shape)}${transposeB ? 'ᵀ' : ''} (${k} vs ${k2})`);
    }
    const shape = [...broadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2)), m, n];
    if (k === 0) return b.filledOutput(shape, 'float32', 0);
    return b.runGraph({
      kernelName: MatMul,
      key: attrsKey({ transposeA, transposeB }),
      inputs: [x, y],
      outputs: [{ shape, dtype: 'float32' }],
      build: (graph, [a, c]) => {
        if (ra === 2 && rb === 2) {
          return [graph.op('Gemm', [a as string, c as string], { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 })];
        }
        const left = transposeA ? transposeLastTwo(graph, a as string, ra) : (a as string);
        const right = transposeB ? transposeLastTwo(graph, c as string, rb) : (c as string);
        return [graph.op('MatMul', [left, right])];
      },
    })[0] as TensorInfo;
  },
};
