/** Batched matrix product with broadcast batch dimensions, in float64. */
import type { Array64 } from './array64.js';
import { array64, broadcastIndex, broadcastShape, sizeOfShape } from './array64.js';

/**
 * [..., m, k] × [..., k, n] → [..., m, n]; transposeA / transposeB swap the last two dimensions of
 * an operand first. Batch dimensions broadcast (NumPy rules, ranks may differ).
 */
export function matmul(a: Array64, b: Array64, transposeA = false, transposeB = false): Array64 {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [a0, a1] = [a.shape[ra - 2] as number, a.shape[ra - 1] as number];
  const [b0, b1] = [b.shape[rb - 2] as number, b.shape[rb - 1] as number];
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const kb = transposeB ? b1 : b0;
  const n = transposeB ? b0 : b1;
  if (k !== kb) throw new Error(`oracle64 matmul: inner dimensions ${k} and ${kb} differ`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB);
  const ia = broadcastIndex(batchA, batch);
  const ib = broadcastIndex(batchB, batch);
  const out = array64([...batch, m, n]);
  const batches = sizeOfShape(batch);
  for (let p = 0; p < batches; p++) {
    const offA = (ia[p] as number) * a0 * a1;
    const offB = (ib[p] as number) * b0 * b1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let t = 0; t < k; t++) {
          const av = a.data[offA + (transposeA ? t * a1 + i : i * a1 + t)] as number;
          const bv = b.data[offB + (transposeB ? j * b1 + t : t * b1 + j)] as number;
          acc += av * bv;
        }
        out.data[(p * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}
