/**
 * The WebAssembly GEMM kernel (src/wasm/gemm.wat): float32 operands, f32x4 SIMD, float32
 * accumulation, as PyTorch's CPU kernels do.
 *
 * One module instance (loaded by wasm-module.ts) with one growable memory. Operands that already
 * live in that memory (a view from `wasmScratch`) are used in place; operands on the JS heap are
 * copied into the arena and the result copied back. The memory grows to the largest call seen and
 * stays there (wasm memory cannot shrink).
 */
import { gemmModuleBase64 } from '../wasm/gemm-module.js';
import type { MatrixView } from './gemm.js';
import type { WasmMemory } from './wasm-module.js';
import { PAGE_BYTES, wasmModule } from './wasm-module.js';

interface GemmExports {
  memory: WasmMemory;
  arena: { value: number };
  gemmNN(M: number, N: number, K: number, a: number, aRowStride: number, aColStride: number, b: number, bRowStride: number, bColStride: number, c: number, ldc: number, accumulate: number, packB: number): void;
  gemmNT(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: number): void;
  im2col: ColumnsFunction;
  col2im: ColumnsFunction;
}

type ColumnsFunction = (x: number, cg: number, h: number, w: number, kh: number, kw: number, ho: number, wo: number, sh: number, sw: number, pt: number, pl: number, dh: number, dw: number, cols: number) => void;

/** A convolution's geometry as im2col needs it (conv.ts's plan). */
export interface ColumnGeometry {
  cg: number; h: number; w: number; kh: number; kw: number; ho: number; wo: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
}

/** Dot products (gemmNT) pay a reduction across lanes per output: below this K, outer products win. */
const NT_MIN_K = 16;
/** Above this many rows of A, B is packed into panels (reused per strip of 4 rows); below, read in place. */
const PACK_B_MIN_M = 16;

/** The module's exports; null where WebAssembly SIMD is unavailable. */
const load = wasmModule<GemmExports>(gemmModuleBase64);

/** Whether this runtime validates and runs the SIMD module. */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

/** Grow the memory so that `bytes` fit above the arena (plus slack for 16-byte alignment). */
function reserve(wasm: GemmExports, bytes: number): void {
  const need = wasm.arena.value + bytes + 64;
  const have = wasm.memory.buffer.byteLength;
  if (need > have) wasm.memory.grow(Math.ceil((need - have) / PAGE_BYTES));
}

/**
 * `floats` values of wasm memory at the start of the arena, which gemm reads and writes in place.
 * The view is valid until the next call to this function or to a gemm whose operands are not all
 * in it (either may grow the memory, or reuse the arena).
 */
export function wasmScratch(floats: number): Float32Array {
  const wasm = load();
  if (!wasm) throw new Error('wasmScratch: WebAssembly SIMD is not available.');
  reserve(wasm, floats * 4);
  return new Float32Array(wasm.memory.buffer, wasm.arena.value, floats);
}

/** Byte address of element `offset` of a view of wasm memory. */
function address(data: Float32Array, offset: number): number {
  return data.byteOffset + offset * 4;
}

function run(wasm: GemmExports, M: number, N: number, K: number, a: number, aRowStride: number, aColStride: number, b: number, bRowStride: number, bColStride: number, c: number, accumulate: boolean): void {
  if (aColStride === 1 && bRowStride === 1 && K >= NT_MIN_K) {
    wasm.gemmNT(M, N, K, a, aRowStride, b, bColStride, c, N, accumulate ? 1 : 0);
  } else {
    const packB = bColStride !== 1 || M > PACK_B_MIN_M;
    wasm.gemmNN(M, N, K, a, aRowStride, aColStride, b, bRowStride, bColStride, c, N, accumulate ? 1 : 0, packB ? 1 : 0);
  }
}

/** Where a strided [rows × cols] view's elements lie: its lowest index and how many to copy. */
function extent(v: MatrixView, rows: number, cols: number): { first: number; span: number } {
  const r = (rows - 1) * v.rowStride;
  const c = (cols - 1) * v.colStride;
  const first = v.offset + Math.min(0, r) + Math.min(0, c);
  const last = v.offset + Math.max(0, r) + Math.max(0, c);
  return { first, span: last - first + 1 };
}

/** Whether copying the span is sensible (the view is dense or nearly so); else gather it. */
function copiesSpan(span: number, rows: number, cols: number): boolean {
  return span <= 2 * rows * cols + 16;
}

/** Copy a view into the heap at float index `at`; returns its address and strides there. */
function stage(heap: Float32Array, v: MatrixView, rows: number, cols: number, at: number): [number, number, number] {
  const { first, span } = extent(v, rows, cols);
  if (copiesSpan(span, rows, cols)) {
    heap.set(v.data.subarray(first, first + span), at);
    return [(at + v.offset - first) * 4, v.rowStride, v.colStride];
  }
  for (let i = 0; i < rows; i++) {
    const src = v.offset + i * v.rowStride;
    for (let k = 0; k < cols; k++) heap[at + i * cols + k] = v.data[src + k * v.colStride] as number;
  }
  return [at * 4, cols, 1];
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * C[cOffset…] (+)= A·B through the wasm kernel, M, N, K ≥ 1. Returns false (and does nothing)
 * when the module is unavailable or when only some operands live in wasm memory.
 */
export function gemmWasm(M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: Float32Array, cOffset: number, accumulate: boolean): boolean {
  const wasm = load();
  if (!wasm) return false;
  const buffer = wasm.memory.buffer;
  const inA = A.data.buffer === buffer;
  const inB = B.data.buffer === buffer;
  const inC = C.buffer === buffer;
  if (inA && inB && inC) {
    run(wasm, M, N, K, address(A.data, A.offset), A.rowStride, A.colStride, address(B.data, B.offset), B.rowStride, B.colStride, address(C, cOffset), accumulate);
    return true;
  }
  if (inA || inB || inC) return false;

  // Stage all three in the arena: [A | B | C], each 16-byte aligned.
  const a = extent(A, M, K);
  const b = extent(B, K, N);
  const aFloats = align4(copiesSpan(a.span, M, K) ? a.span : M * K);
  const bFloats = align4(copiesSpan(b.span, K, N) ? b.span : K * N);
  reserve(wasm, (aFloats + bFloats + M * N) * 4);
  const heap = new Float32Array(wasm.memory.buffer);
  const base = wasm.arena.value / 4;
  const [aPtr, aRow, aCol] = stage(heap, A, M, K, base);
  const [bPtr, bRow, bCol] = stage(heap, B, K, N, base + aFloats);
  const cAt = base + aFloats + bFloats;
  if (accumulate) heap.set(C.subarray(cOffset, cOffset + M * N), cAt);
  run(wasm, M, N, K, aPtr, aRow, aCol, bPtr, bRow, bCol, cAt * 4, accumulate);
  C.set(heap.subarray(cAt, cAt + M * N), cOffset);
  return true;
}

/**
 * im2col (columns [cg·kh·kw, ho·wo] at `cols` from the cg channel planes at `x`) or its adjoint
 * col2im (columns added back into the planes at `x`), in wasm, when `s` is wasm memory; returns
 * false and does nothing otherwise. `x` and `cols` are float indices into `s`.
 */
export function columnsWasm(direction: 'im2col' | 'col2im', s: Float32Array, g: ColumnGeometry, x: number, cols: number): boolean {
  const wasm = load();
  if (!wasm || s.buffer !== wasm.memory.buffer) return false;
  if (g.ho * g.wo === 0 || g.cg * g.kh * g.kw === 0) return true;
  wasm[direction](address(s, x), g.cg, g.h, g.w, g.kh, g.kw, g.ho, g.wo, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, address(s, cols));
  return true;
}
