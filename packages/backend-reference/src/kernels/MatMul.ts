import type { KernelConfig, MatMulAttrs, TensorInfo } from '@parvus/core';
import { MatMul } from '@parvus/core';
import { broadcastIndices, broadcastShape } from '../impl/broadcast.js';
import { gemm, view } from '../impl/gemm.js';
import { asReference } from './kernel-helpers.js';

export const matMulConfig: KernelConfig<MatMulAttrs> = {
  kernelName: MatMul,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [x, y] = inputs as [TensorInfo, TensorInfo];
    const { transposeA, transposeB } = attrs;
    const ra = x.shape.length;
    const rb = y.shape.length;
    const [aRows, aCols] = [x.shape[ra - 2] as number, x.shape[ra - 1] as number];
    const [bRows, bCols] = [y.shape[rb - 2] as number, y.shape[rb - 1] as number];
    const m = transposeA ? aCols : aRows;
    const k = transposeA ? aRows : aCols;
    const n = transposeB ? bRows : bCols;
    if ((transposeB ? bCols : bRows) !== k) throw new Error(`inner dimensions differ (${k} vs ${transposeB ? bCols : bRows})`);
    const batchShape = broadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2));
    const batches = batchShape.reduce((p, d) => p * d, 1);
    const ia = broadcastIndices(batchShape, x.shape.slice(0, -2));
    const ib = broadcastIndices(batchShape, y.shape.slice(0, -2));
    const a = b.values<Float32Array>(x);
    const bv = b.values<Float32Array>(y);
    const out = new Float32Array(batches * m * n);
    for (let batch = 0; batch < batches; batch++) {
      const aOffset = (ia ? (ia[batch] as number) : batch) * aRows * aCols;
      const bOffset = (ib ? (ib[batch] as number) : batch) * bRows * bCols;
      gemm(m, n, k, view(a, aOffset, aRows, aCols, transposeA), view(bv, bOffset, bRows, bCols, transposeB), out, batch * m * n, false);
    }
    return b.output(out, [...batchShape, m, n], 'float32');
  },
};
