/**
 * The JavaScript GEMM kernel: C[M×N] (+)= A[M×K] · B[K×N], float32 storage, float64 accumulation.
 *
 * A cache-blocked GEMM: blocks of B (KC×NC) and strips of A (4×KC) are packed into contiguous
 * float64 panels, and a 4×4 micro-kernel keeps 16 accumulators in registers. Operands are read
 * through (row, column) strides, so transposed operands cost nothing extra. It is the fallback of
 * the WebAssembly kernel (gemm-wasm.ts) and runs where WebAssembly SIMD does not.
 */
import type { MatrixView } from './gemm.js';

const KC = 256;
const NC = 1024;
const packedA = new Float64Array(4 * KC);
const packedB = new Float64Array(KC * NC);

export function gemmJs(M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: Float32Array, cOffset: number, accumulate: boolean): void {
  if (!accumulate) C.fill(0, cOffset, cOffset + M * N);
  if (M === 0 || N === 0 || K === 0) return;
  const pa = packedA;
  const pb = packedB;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = Math.min(NC, N - j0);
      const panels = Math.ceil(nc / 4);
      packB(B, k0, kc, j0, nc, panels, pb);
      for (let i0 = 0; i0 < M; i0 += 4) {
        const mr = Math.min(4, M - i0);
        packA(A, i0, mr, k0, kc, pa);
        for (let p = 0; p < panels; p++) {
          const nr = Math.min(4, nc - p * 4);
          microKernel(pa, pb, p * kc * 4, kc, C, cOffset + i0 * N + j0 + p * 4, N, mr, nr);
        }
      }
    }
  }
}

/** B[k0:k0+kc, j0:j0+nc] as column panels of 4: panel p holds columns 4p..4p+3, row by row. */
function packB(B: MatrixView, k0: number, kc: number, j0: number, nc: number, panels: number, out: Float64Array): void {
  const { data, offset, rowStride, colStride } = B;
  for (let p = 0; p < panels; p++) {
    const base = p * kc * 4;
    const width = Math.min(4, nc - p * 4);
    const col0 = j0 + p * 4;
    for (let kk = 0; kk < kc; kk++) {
      const row = offset + (k0 + kk) * rowStride + col0 * colStride;
      const o = base + kk * 4;
      out[o] = data[row] as number;
      out[o + 1] = width > 1 ? (data[row + colStride] as number) : 0;
      out[o + 2] = width > 2 ? (data[row + 2 * colStride] as number) : 0;
      out[o + 3] = width > 3 ? (data[row + 3 * colStride] as number) : 0;
    }
  }
}

/** A[i0:i0+4, k0:k0+kc] interleaved: element (r, kk) at kk·4 + r; missing rows are zero. */
function packA(A: MatrixView, i0: number, mr: number, k0: number, kc: number, out: Float64Array): void {
  const { data, offset, rowStride, colStride } = A;
  for (let r = 0; r < 4; r++) {
    if (r >= mr) {
      for (let kk = 0; kk < kc; kk++) out[kk * 4 + r] = 0;
      continue;
    }
    const row = offset + (i0 + r) * rowStride + k0 * colStride;
    for (let kk = 0; kk < kc; kk++) out[kk * 4 + r] = data[row + kk * colStride] as number;
  }
}

function microKernel(pa: Float64Array, pb: Float64Array, bBase: number, kc: number, C: Float32Array, c: number, ldc: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let kk = 0; kk < kc; kk++) {
    const ao = kk * 4;
    const bo = bBase + ao;
    const a0 = pa[ao] as number, a1 = pa[ao + 1] as number, a2 = pa[ao + 2] as number, a3 = pa[ao + 3] as number;
    const b0 = pb[bo] as number, b1 = pb[bo + 1] as number, b2 = pb[bo + 2] as number, b3 = pb[bo + 3] as number;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4) {
    C[c] = (C[c] as number) + c00; C[c + 1] = (C[c + 1] as number) + c01; C[c + 2] = (C[c + 2] as number) + c02; C[c + 3] = (C[c + 3] as number) + c03;
    c += ldc;
    C[c] = (C[c] as number) + c10; C[c + 1] = (C[c + 1] as number) + c11; C[c + 2] = (C[c + 2] as number) + c12; C[c + 3] = (C[c + 3] as number) + c13;
    c += ldc;
    C[c] = (C[c] as number) + c20; C[c + 1] = (C[c + 1] as number) + c21; C[c + 2] = (C[c + 2] as number) + c22; C[c + 3] = (C[c + 3] as number) + c23;
    c += ldc;
    C[c] = (C[c] as number) + c30; C[c + 1] = (C[c + 1] as number) + c31; C[c + 2] = (C[c + 2] as number) + c32; C[c + 3] = (C[c + 3] as number) + c33;
    return;
  }
  // Edge tile: write only the rows and columns that exist.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) C[c + r * ldc + j] = (C[c + r * ldc + j] as number) + (tile[r * 4 + j] as number);
  }
}
