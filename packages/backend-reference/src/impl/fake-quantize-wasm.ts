/**
 * The WebAssembly fake quantization kernels (src/wasm/fake-quantize.wat): FakeQuantize and
 * FakeQuantizeGrad in f32x4 SIMD, bit-identical to the JavaScript loops and to core's composite.
 *
 * Tensors live on the JS heap, so operands are staged through the module's memory a chunk at a
 * time (64 KB per operand): copied in, computed in place, copied out. Chunks stay in the CPU's
 * cache, so the copies cost little next to the division; the memory never grows.
 */
import { fakeQuantizeModuleBase64 } from '../wasm/fake-quantize-module.js';
import type { FakeQuantizeGradArgs } from './fake-quantize-grad.js';
import type { WasmMemory } from './wasm-module.js';
import { PAGE_BYTES, wasmModule } from './wasm-module.js';

/** Runs of `length` consecutive elements, run r with scale `scales[r]` and zero point `zeroPoints[r]`. */
export interface QuantParameterRuns {
  count: number;
  length: number;
  scales: Float32Array;
  zeroPoints: Float32Array;
}

interface FakeQuantizeExports {
  memory: WasmMemory;
  fakeQuantize(x: number, out: number, n: number, s: number, zp: number, qmin: number, qmax: number): void;
  fakeQuantizeGrad(dy: number, x: number, dx: number, ds: number, dzp: number, n: number, s: number, zp: number, qmin: number, qmax: number, straightThrough: number): void;
}

/** Elements per staged chunk of one operand (64 KB); the gradient stages three operands. */
const CHUNK = 16384;

/** A view of the whole memory (the memory never grows after load, so the view stays valid). */
let heap = new Float32Array(0);

/** The module's exports, with room for three chunks; null where WebAssembly SIMD is unavailable. */
const load = wasmModule<FakeQuantizeExports>(fakeQuantizeModuleBase64, (wasm) => {
  const need = 3 * CHUNK * 4 - wasm.memory.buffer.byteLength;
  if (need > 0) wasm.memory.grow(Math.ceil(need / PAGE_BYTES));
  heap = new Float32Array(wasm.memory.buffer);
});

/** Whether this runtime validates and runs the SIMD module. */
export function wasmFakeQuantizeAvailable(): boolean {
  return load() !== null;
}

/**
 * The module, for a quantization range it reproduces exactly: it takes quantMin and quantMax as
 * f32, so both must be float32 values (as integers up to 2^24 in magnitude are). Null for other
 * ranges, and where the module is unavailable.
 */
function loadFor(quantMin: number, quantMax: number): FakeQuantizeExports | null {
  return Math.fround(quantMin) === quantMin && Math.fround(quantMax) === quantMax ? load() : null;
}

/**
 * out = fakeQuantize(x) for runs.count·runs.length elements, in wasm. Returns false (and does
 * nothing) when the module is unavailable or the range is not exact in float32.
 */
export function fakeQuantizeWasm(x: Float32Array, out: Float32Array, runs: QuantParameterRuns, quantMin: number, quantMax: number): boolean {
  const wasm = loadFor(quantMin, quantMax);
  if (!wasm) return false;
  const n = runs.count * runs.length;
  const { length, scales, zeroPoints } = runs;
  let run = 0;
  let runEnd = length;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    heap.set(x.subarray(start, end), 0);
    // The pieces of the runs that fall into this chunk, each with its parameters.
    for (let i = start; i < end;) {
      const pieceEnd = Math.min(end, runEnd);
      const at = (i - start) * 4;
      wasm.fakeQuantize(at, at, pieceEnd - i, scales[run] as number, zeroPoints[run] as number, quantMin, quantMax);
      i = pieceEnd;
      if (i === runEnd) {
        run++;
        runEnd += length;
      }
    }
    out.set(heap.subarray(0, end - start), start);
  }
  return true;
}

/**
 * The gradient parts of FakeQuantizeGrad for every run, in wasm. Returns false (and does nothing)
 * when the module is unavailable or the range is not exact in float32.
 */
export function fakeQuantizeGradWasm(a: FakeQuantizeGradArgs, runs: QuantParameterRuns): boolean {
  const wasm = loadFor(a.quantMin, a.quantMax);
  if (!wasm) return false;
  const n = runs.count * runs.length;
  const { length, scales, zeroPoints } = runs;
  const straightThrough = a.straightThroughClamp ? 1 : 0;
  // Staging: [dy → dx | x → ds | dzp], CHUNK elements each.
  let run = 0;
  let runEnd = length;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const count = end - start;
    heap.set(a.dy.subarray(start, end), 0);
    heap.set(a.x.subarray(start, end), CHUNK);
    for (let i = start; i < end;) {
      const pieceEnd = Math.min(end, runEnd);
      const at = (i - start) * 4;
      wasm.fakeQuantizeGrad(at, CHUNK * 4 + at, at, CHUNK * 4 + at, 2 * CHUNK * 4 + at, pieceEnd - i,
        scales[run] as number, zeroPoints[run] as number, a.quantMin, a.quantMax, straightThrough);
      i = pieceEnd;
      if (i === runEnd) {
        run++;
        runEnd += length;
      }
    }
    a.dx.set(heap.subarray(0, count), start);
    a.ds.set(heap.subarray(CHUNK, CHUNK + count), start);
    a.dzp.set(heap.subarray(2 * CHUNK, 2 * CHUNK + count), start);
  }
  return true;
}
