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

/** Runs of `length` consecutive elements, run r with scale `scales[r]` and zero point `zeroPoints[r]`. */
export interface QuantParameterRuns {
  count: number;
  length: number;
  scales: Float32Array;
  zeroPoints: Float32Array;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface FakeQuantizeExports {
  memory: WasmMemory;
  fakeQuantize(x: number, out: number, n: number, s: number, zp: number, qmin: number, qmax: number): void;
  fakeQuantizeGrad(dy: number, x: number, dx: number, ds: number, dzp: number, n: number, s: number, zp: number, qmin: number, qmax: number, straightThrough: number): void;
}

/** The part of the WebAssembly API used here (the packages compile without DOM types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Elements per staged chunk of one operand (64 KB); the gradient stages three operands. */
const CHUNK = 16384;
const PAGE_BYTES = 65536;

/** undefined: not tried yet; null: WebAssembly SIMD is unavailable here. */
let instance: FakeQuantizeExports | null | undefined;
/** A view of the whole memory (the memory never grows after load, so the view stays valid). */
let heap = new Float32Array(0);

function load(): FakeQuantizeExports | null {
  if (instance !== undefined) return instance;
  instance = null;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const atob = (globalThis as { atob?: (text: string) => string }).atob;
  if (!api || !atob) return null;
  const bytes = Uint8Array.from(atob(fakeQuantizeModuleBase64), (ch) => ch.charCodeAt(0));
  try {
    if (!api.validate(bytes)) return null;
    const wasm = new api.Instance(new api.Module(bytes), {}).exports as FakeQuantizeExports;
    const need = 3 * CHUNK * 4 - wasm.memory.buffer.byteLength;
    if (need > 0) wasm.memory.grow(Math.ceil(need / PAGE_BYTES));
    heap = new Float32Array(wasm.memory.buffer);
    instance = wasm;
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether this runtime validates and runs the SIMD module. */
export function wasmFakeQuantizeAvailable(): boolean {
  return load() !== null;
}

/**
 * out = fakeQuantize(x) for runs.count·runs.length elements, in wasm. Returns false (and does
 * nothing) when the module is unavailable.
 */
export function fakeQuantizeWasm(x: Float32Array, out: Float32Array, runs: QuantParameterRuns, quantMin: number, quantMax: number): boolean {
  const wasm = load();
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

/** The gradient parts of FakeQuantizeGrad for every run, in wasm; false when unavailable. */
export function fakeQuantizeGradWasm(a: FakeQuantizeGradArgs, runs: QuantParameterRuns): boolean {
  const wasm = load();
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
