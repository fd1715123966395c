/**
 * C[M×N] (+)= A[M×K] · B[K×N] on float32 storage: the one matrix routine behind MatMul and the
 * three convolution kernels.
 *
 * Two implementations, same contract: a WebAssembly SIMD kernel (gemm-wasm.ts, float32
 * accumulation), used wherever the runtime accepts the module, and the plain JavaScript kernel
 * (gemm-js.ts, float64 accumulation) everywhere else. `setGemmImplementation` or the environment
 * variable PARVUS_REFERENCE_GEMM=js|wasm picks one, so that tests can run both.
 */
import { gemmJs } from './gemm-js.js';
import { gemmWasm, wasmGemmAvailable, wasmScratch } from './gemm-wasm.js';
import type { Implementation } from './implementation-switch.js';
import { implementationSwitch } from './implementation-switch.js';

/** A strided matrix view into a flat array. */
export interface MatrixView {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

export type GemmImplementation = Implementation;

const implementation = implementationSwitch('PARVUS_REFERENCE_GEMM', wasmGemmAvailable, 'setGemmImplementation', 'gemm');

/** The implementation gemm runs now. */
export function gemmImplementation(): GemmImplementation {
  return implementation.get();
}

/** Select the gemm implementation; 'wasm' throws where WebAssembly SIMD is not available. */
export function setGemmImplementation(which: GemmImplementation): void {
  implementation.set(which);
}

let jsScratch = new Float32Array(0);

/**
 * A scratch array of at least `floats` values (contents undefined) that gemm reads and writes in
 * place: wasm memory under the wasm implementation, so operands laid out in it need no copies; a
 * plain array otherwise. Valid until the next call, or a gemm on operands outside it.
 */
export function gemmScratch(floats: number): Float32Array {
  if (gemmImplementation() === 'wasm') return wasmScratch(floats);
  if (jsScratch.length < floats) jsScratch = new Float32Array(floats);
  return jsScratch;
}

export function gemm(M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: Float32Array, cOffset: number, accumulate: boolean): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) C.fill(0, cOffset, cOffset + M * N);
    return;
  }
  if (gemmImplementation() === 'wasm' && gemmWasm(M, N, K, A, B, C, cOffset, accumulate)) return;
  gemmJs(M, N, K, A, B, C, cOffset, accumulate);
}

/** A row-major matrix view, optionally transposed. */
export function view(data: Float32Array, offset: number, rows: number, cols: number, transposed: boolean): MatrixView {
  // The stored matrix is [rows × cols] row-major; transposed views read it as [cols × rows].
  return transposed
    ? { data, offset, rowStride: 1, colStride: cols }
    : { data, offset, rowStride: cols, colStride: 1 };
}
