/**
 * A few kernels as a tiny hand-assembled WebAssembly SIMD module (well under 1 KB), for the hot
 * paths where tfjs ops are slow or inexact:
 *
 *  - fakeQuantize / fakeQuantizePerElement: per 4 floats `f32x4.div`, `add`, `nearest` (round half
 *    to even, keeping the sign of zero), `pmax`/`pmin`, `sub`, `mul`. Those are the composite's
 *    float32 operations in the composite's order, so the result is bit-identical to core's
 *    `fakeQuantizeComposite`, −0 included. The pseudo-min/max `pmax(a, b) = a < b ? b : a` and
 *    `pmin(a, b) = b < a ? b : a` are exactly torch.clamp's `std::min(std::max(v, lo), hi)`: NaN
 *    passes, −0 stays. A composite of tfjs ops makes six passes over memory instead of one, and
 *    tfjs-wasm's clip maps NaN to the bound.
 *  - clamp: the same pmax/pmin (torch.clamp; with [0, +Inf] it is torch.relu).
 *  - transpose: a batched 2-D transpose of 4-byte elements (NCHW ↔ NHWC around convolutions),
 *    where tfjs-wasm's general transpose costs about ten times more.
 *  - fakeQuantizeGrad…: the three parts of fake quantization's gradient in one pass, again the
 *    composite's float32 operations in its order.
 *
 * Standard WebAssembly SIMD has no flush-to-zero and no fused multiply-add, so every engine computes
 * the same bits. On tfjs-wasm the module imports tfjs's own `WebAssembly.Memory` and works on
 * tensors in place; elsewhere it has a private memory and data is copied in and out.
 */

/** The parts of the WebAssembly JS API used here (typed locally: the package builds without lib.dom). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The module's functions, bound to one memory; every pointer is a byte address in it. */
export interface WasmKernels {
  readonly memory: WasmMemory;
  /** out[i] = fq(x[i]) for i < n, one scale and zero point. */
  fakeQuantize(x: number, out: number, n: number, scale: number, zeroPoint: number, quantMin: number, quantMax: number): void;
  /** out[i] = fq(x[i]; scale[i], zeroPoint[i]) for i < n. */
  fakeQuantizePerElement(x: number, scale: number, zeroPoint: number, out: number, n: number, quantMin: number, quantMax: number): void;
  /** out[i] = clamp(x[i], lo, hi) for i < n, as torch.clamp. */
  clamp(x: number, out: number, n: number, lo: number, hi: number): void;
  /** dst[b][c][r] = src[b][r][c] for 4-byte elements: `batch` matrices of rows × cols. */
  transpose(src: number, dst: number, batch: number, rows: number, cols: number): void;
  /**
   * The three parts of fake quantization's gradient (core's FakeQuantizeGrad) for i < n, one scale
   * and zero point: dx = dy·m, ds = dy·((c − zp) − m·(x/s)), dzp = (dy·s)·(m − 1), with r = round(x/s
   * + zp), c = clamp(r), m = [lo ≤ r ≤ hi]. The SteClamp variants take m = 1 and dzp = +0.
   */
  fakeQuantizeGrad(dy: number, x: number, dx: number, ds: number, dzp: number, n: number, scale: number, zeroPoint: number, quantMin: number, quantMax: number): void;
  fakeQuantizeGradSteClamp(dy: number, x: number, dx: number, ds: number, dzp: number, n: number, scale: number, zeroPoint: number, quantMin: number, quantMax: number): void;
  /** As fakeQuantizeGrad with a scale and zero point per element (arrays at `scale`, `zeroPoint`). */
  fakeQuantizeGradPerElement(dy: number, x: number, scale: number, zeroPoint: number, dx: number, ds: number, dzp: number, n: number, quantMin: number, quantMax: number): void;
  fakeQuantizeGradPerElementSteClamp(dy: number, x: number, scale: number, zeroPoint: number, dx: number, ds: number, dzp: number, n: number, quantMin: number, quantMax: number): void;
}

// --- encoding ---------------------------------------------------------------------------------

function uleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  let v = value | 0;
  while (true) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...new TextEncoder().encode(text)].map((b) => [b]));

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// Opcodes (WebAssembly core 2.0 with the fixed-width SIMD extension).
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32Const = (v: number): number[] => [0x41, ...sleb(v)];
const I32_EQZ = 0x45;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const F32_LT = 0x5d;
const F32_LE = 0x5f;
const F32_GE = 0x60;
const F32_CONVERT_I32_U = 0xb3;
const f32Const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
const F32_NEAREST = 0x90;
const F32_ADD = 0x92;
const F32_SUB = 0x93;
const F32_MUL = 0x94;
const F32_DIV = 0x95;
const SELECT = 0x1b;
const i32Load = [0x28, 0x02, 0x00];
const i32Store = [0x36, 0x02, 0x00];
const f32Load = [0x2a, 0x02, 0x00];
const f32Store = [0x38, 0x02, 0x00];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const v128Load = [...simd(0x00), 0x00, 0x00];
const v128Store = [...simd(0x0b), 0x00, 0x00];
const F32X4_SPLAT = simd(0x13);
const F32X4_NEAREST = simd(0x6a);
const F32X4_ADD = simd(0xe4);
const F32X4_SUB = simd(0xe5);
const F32X4_MUL = simd(0xe6);
const F32X4_DIV = simd(0xe7);
const F32X4_PMIN = simd(0xea);
const F32X4_PMAX = simd(0xeb);
const F32X4_LE = simd(0x45);
const F32X4_GE = simd(0x46);
const V128_AND = simd(0x4e);
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];
const br = (depth: number): number[] => [0x0c, ...uleb(depth)];

/** `local += bytes` for each local. */
function advance(locals: number[], bytes: number): number[] {
  return locals.flatMap((p) => [...get(p), ...i32Const(bytes), I32_ADD, ...set(p)]);
}

/** `while (!(exit)) { body }`, with `exit` leaving an i32 condition on the stack. */
function whileNot(exit: number[], body: number[]): number[] {
  return [...BLOCK, ...LOOP, ...exit, ...brIf(1), ...body, ...br(0), END, END];
}

/** `end = start + (n & mask) · 4`: the end of the vector part (mask −4) or of the tail (mask 3). */
function endOf(end: number, start: number, n: number, mask: number): number[] {
  return [...get(start), ...get(n), ...i32Const(mask), I32_AND, ...i32Const(2), I32_SHL, I32_ADD, ...set(end)];
}

/** Splat an f32 local into a v128 local. */
const splat = (from: number, to: number): number[] => [...get(from), ...F32X4_SPLAT, ...set(to)];

/** Leaves (hi < (v < lo ? lo : v) ? hi : …) on the stack, for v in f32 local `t` (overwritten). */
function scalarClamp(t: number, lo: number, hi: number): number[] {
  return [
    ...get(lo), ...get(t), ...get(t), ...get(lo), F32_LT, SELECT, ...set(t),
    ...get(hi), ...get(t), ...get(hi), ...get(t), F32_LT, SELECT,
  ];
}

interface Func {
  params: number[];
  results: number[];
  locals: Array<[count: number, type: number]>;
  code: number[];
}

/** fakeQuantize(x, out, n, s, zp, lo, hi) */
function fakeQuantizeFunc(): Func {
  const [x, out, n, s, zp, lo, hi] = [0, 1, 2, 3, 4, 5, 6];
  const [end, vs, vz, vlo, vhi, t] = [7, 8, 9, 10, 11, 12];
  return {
    params: [I32, I32, I32, F32, F32, F32, F32],
    results: [],
    locals: [[1, I32], [4, V128], [1, F32]],
    code: [
      ...splat(s, vs), ...splat(zp, vz), ...splat(lo, vlo), ...splat(hi, vhi),
      ...endOf(end, x, n, -4),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(out),
        ...get(x), ...v128Load,
        ...get(vs), ...F32X4_DIV, ...get(vz), ...F32X4_ADD, ...F32X4_NEAREST,
        ...get(vlo), ...F32X4_PMAX, ...get(vhi), ...F32X4_PMIN,
        ...get(vz), ...F32X4_SUB, ...get(vs), ...F32X4_MUL,
        ...v128Store,
        ...advance([x, out], 16),
      ]),
      ...endOf(end, end, n, 3),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(out),
        ...get(x), ...f32Load, ...get(s), F32_DIV, ...get(zp), F32_ADD, F32_NEAREST, ...set(t),
        ...scalarClamp(t, lo, hi), ...get(zp), F32_SUB, ...get(s), F32_MUL,
        ...f32Store,
        ...advance([x, out], 4),
      ]),
      END,
    ],
  };
}

/** fakeQuantizePerElement(x, s, zp, out, n, lo, hi) */
function fakeQuantizePerElementFunc(): Func {
  const [x, s, zp, out, n, lo, hi] = [0, 1, 2, 3, 4, 5, 6];
  const [end, vlo, vhi, vs, vz, t, sv, zv] = [7, 8, 9, 10, 11, 12, 13, 14];
  return {
    params: [I32, I32, I32, I32, I32, F32, F32],
    results: [],
    locals: [[1, I32], [4, V128], [3, F32]],
    code: [
      ...splat(lo, vlo), ...splat(hi, vhi),
      ...endOf(end, x, n, -4),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(s), ...v128Load, ...set(vs),
        ...get(zp), ...v128Load, ...set(vz),
        ...get(out),
        ...get(x), ...v128Load,
        ...get(vs), ...F32X4_DIV, ...get(vz), ...F32X4_ADD, ...F32X4_NEAREST,
        ...get(vlo), ...F32X4_PMAX, ...get(vhi), ...F32X4_PMIN,
        ...get(vz), ...F32X4_SUB, ...get(vs), ...F32X4_MUL,
        ...v128Store,
        ...advance([x, s, zp, out], 16),
      ]),
      ...endOf(end, end, n, 3),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(s), ...f32Load, ...set(sv),
        ...get(zp), ...f32Load, ...set(zv),
        ...get(out),
        ...get(x), ...f32Load, ...get(sv), F32_DIV, ...get(zv), F32_ADD, F32_NEAREST, ...set(t),
        ...scalarClamp(t, lo, hi), ...get(zv), F32_SUB, ...get(sv), F32_MUL,
        ...f32Store,
        ...advance([x, s, zp, out], 4),
      ]),
      END,
    ],
  };
}

/** clamp(x, out, n, lo, hi) */
function clampFunc(): Func {
  const [x, out, n, lo, hi] = [0, 1, 2, 3, 4];
  const [end, vlo, vhi, t] = [5, 6, 7, 8];
  return {
    params: [I32, I32, I32, F32, F32],
    results: [],
    locals: [[1, I32], [2, V128], [1, F32]],
    code: [
      ...splat(lo, vlo), ...splat(hi, vhi),
      ...endOf(end, x, n, -4),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(out),
        ...get(x), ...v128Load, ...get(vlo), ...F32X4_PMAX, ...get(vhi), ...F32X4_PMIN,
        ...v128Store,
        ...advance([x, out], 16),
      ]),
      ...endOf(end, end, n, 3),
      ...whileNot([...get(x), ...get(end), I32_GE_U], [
        ...get(out),
        ...get(x), ...f32Load, ...set(t), ...scalarClamp(t, lo, hi),
        ...f32Store,
        ...advance([x, out], 4),
      ]),
      END,
    ],
  };
}

/** transpose(src, dst, batch, rows, cols): source read in order, destination written with stride `rows`. */
function transposeFunc(): Func {
  const [src, dst, batch, rows, cols] = [0, 1, 2, 3, 4];
  const [r, c, d, rowStride, plane] = [5, 6, 7, 8, 9];
  return {
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [[5, I32]],
    code: [
      // rowStride = rows · 4 (one step down a destination column); plane = rows · cols · 4
      ...get(rows), ...i32Const(2), I32_SHL, ...set(rowStride),
      ...get(rowStride), ...get(cols), I32_MUL, ...set(plane),
      ...whileNot([...get(batch), I32_EQZ], [
        ...i32Const(0), ...set(r),
        ...whileNot([...get(r), ...get(rows), I32_GE_U], [
          // d = dst + r · 4
          ...get(dst), ...get(r), ...i32Const(2), I32_SHL, I32_ADD, ...set(d),
          ...get(cols), ...set(c),
          ...whileNot([...get(c), I32_EQZ], [
            ...get(d), ...get(src), ...i32Load, ...i32Store,
            ...advance([src], 4),
            ...get(d), ...get(rowStride), I32_ADD, ...set(d),
            ...get(c), ...i32Const(1), I32_SUB, ...set(c),
          ]),
          ...get(r), ...i32Const(1), I32_ADD, ...set(r),
        ]),
        ...get(dst), ...get(plane), I32_ADD, ...set(dst),
        ...get(batch), ...i32Const(1), I32_SUB, ...set(batch),
      ]),
      END,
    ],
  };
}

/**
 * fakeQuantizeGrad(dy, x, dx, ds, dzp, n, s, zp, lo, hi), or with `perElement`
 * (dy, x, s, zp, dx, ds, dzp, n, lo, hi) where s and zp are arrays; `ste`: straight-through clamp.
 */
function fakeQuantizeGradFunc(perElement: boolean, ste: boolean): Func {
  const [dy, x] = [0, 1];
  const [sArr, zArr] = [2, 3]; // per element only
  const [dx, ds, dzp, n] = perElement ? [4, 5, 6, 7] : [2, 3, 4, 5];
  const [s, zp] = [6, 7]; // per run only (f32 params)
  const [lo, hi] = perElement ? [8, 9] : [8, 9];
  const [end, vs, vz, vlo, vhi, vone, vg, vscaled, vr, vm] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const [fs, fz, tg, tscaled, tr, tm] = [20, 21, 22, 23, 24, 25];
  const params = perElement
    ? [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32]
    : [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32];
  const moving = perElement ? [dy, x, sArr, zArr, dx, ds, dzp] : [dy, x, dx, ds, dzp];
  const vectorBody = [
    ...(perElement ? [...get(sArr), ...v128Load, ...set(vs), ...get(zArr), ...v128Load, ...set(vz)] : []),
    ...get(dy), ...v128Load, ...set(vg),
    ...get(x), ...v128Load, ...get(vs), ...F32X4_DIV, ...set(vscaled),
    ...get(vscaled), ...get(vz), ...F32X4_ADD, ...F32X4_NEAREST, ...set(vr),
    ...(ste
      ? [...get(vone), ...set(vm)]
      : [...get(vr), ...get(vlo), ...F32X4_GE, ...get(vr), ...get(vhi), ...F32X4_LE, ...V128_AND, ...get(vone), ...V128_AND, ...set(vm)]),
    ...get(dx), ...get(vg), ...get(vm), ...F32X4_MUL, ...v128Store,
    ...get(ds), ...get(vg),
    ...get(vr), ...get(vlo), ...F32X4_PMAX, ...get(vhi), ...F32X4_PMIN, ...get(vz), ...F32X4_SUB,
    ...get(vm), ...get(vscaled), ...F32X4_MUL, ...F32X4_SUB, ...F32X4_MUL, ...v128Store,
    ...get(dzp),
    ...(ste
      ? [...f32Const(0), ...F32X4_SPLAT]
      : [...get(vg), ...get(vs), ...F32X4_MUL, ...get(vm), ...get(vone), ...F32X4_SUB, ...F32X4_MUL]),
    ...v128Store,
    ...advance(moving, 16),
  ];
  const scalarBody = [
    ...(perElement ? [...get(sArr), ...f32Load, ...set(fs), ...get(zArr), ...f32Load, ...set(fz)] : []),
    ...get(dy), ...f32Load, ...set(tg),
    ...get(x), ...f32Load, ...get(fs), F32_DIV, ...set(tscaled),
    ...get(tscaled), ...get(fz), F32_ADD, F32_NEAREST, ...set(tr),
    ...(ste
      ? [...f32Const(1), ...set(tm)]
      : [...get(tr), ...get(lo), F32_GE, ...get(tr), ...get(hi), F32_LE, I32_AND, F32_CONVERT_I32_U, ...set(tm)]),
    ...get(dx), ...get(tg), ...get(tm), F32_MUL, ...f32Store,
    ...get(ds), ...get(tg),
    // c − zp − m·scaled, with c = clamp(r) in local tr (overwritten)
    ...scalarClamp(tr, lo, hi), ...get(fz), F32_SUB, ...get(tm), ...get(tscaled), F32_MUL, F32_SUB, F32_MUL, ...f32Store,
    ...get(dzp),
    ...(ste ? f32Const(0) : [...get(tg), ...get(fs), F32_MUL, ...get(tm), ...f32Const(1), F32_SUB, F32_MUL]),
    ...f32Store,
    ...advance(moving, 4),
  ];
  return {
    params,
    results: [],
    locals: [[1, I32], [9, V128], [6, F32]],
    code: [
      ...(perElement ? [] : [...get(s), ...set(fs), ...get(zp), ...set(fz), ...splat(s, vs), ...splat(zp, vz)]),
      ...splat(lo, vlo), ...splat(hi, vhi), ...f32Const(1), ...F32X4_SPLAT, ...set(vone),
      ...endOf(end, x, n, -4),
      ...whileNot([...get(x), ...get(end), I32_GE_U], vectorBody),
      ...endOf(end, end, n, 3),
      ...whileNot([...get(x), ...get(end), I32_GE_U], scalarBody),
      END,
    ],
  };
}

const FUNCTIONS: Array<[keyof Omit<WasmKernels, 'memory'>, () => Func]> = [
  ['fakeQuantize', fakeQuantizeFunc],
  ['fakeQuantizePerElement', fakeQuantizePerElementFunc],
  ['clamp', clampFunc],
  ['transpose', transposeFunc],
  ['fakeQuantizeGrad', () => fakeQuantizeGradFunc(false, false)],
  ['fakeQuantizeGradSteClamp', () => fakeQuantizeGradFunc(false, true)],
  ['fakeQuantizeGradPerElement', () => fakeQuantizeGradFunc(true, false)],
  ['fakeQuantizeGradPerElementSteClamp', () => fakeQuantizeGradFunc(true, true)],
];

/** The module's bytes; `shared` must match the memory it will import. */
export function wasmKernelsModuleBytes(shared: boolean): Uint8Array {
  const funcs = FUNCTIONS.map(([, build]) => build());
  const types = funcs.map((f) => [0x60, ...vector(f.params.map((p) => [p])), ...vector(f.results.map((r) => [r]))]);
  const bodies = funcs.map((f) => {
    const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.code];
    return [...uleb(body.length), ...body];
  });
  // A shared memory must declare a maximum; 65536 pages (4 GiB) admits any wasm32 memory.
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector(funcs.map((_, i) => uleb(i)))),
    ...section(7, vector(FUNCTIONS.map(([exported], i) => [...name(exported), 0x00, ...uleb(i)]))),
    ...section(10, vector(bodies)),
  ]);
}

// --- instantiation ----------------------------------------------------------------------------

function isShared(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

const compiled = new Map<boolean, object | null>();

function compile(shared: boolean): object | null {
  if (!compiled.has(shared)) {
    let module: object | null = null;
    try {
      const bytes = wasmKernelsModuleBytes(shared);
      // Engines without SIMD reject the module: callers fall back to tfjs ops.
      if (wasmApi?.validate(bytes)) module = new wasmApi.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(shared, module);
  }
  return compiled.get(shared) ?? null;
}

const instances = new WeakMap<WasmMemory, WasmKernels | null>();

/** The kernels bound to `memory` (tfjs-wasm's heap, or a private one), or null without WebAssembly SIMD. */
export function wasmKernelsFor(memory: WasmMemory): WasmKernels | null {
  if (!instances.has(memory)) {
    const module = compile(isShared(memory));
    let bound: WasmKernels | null = null;
    if (module && wasmApi) {
      const exports = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as Omit<WasmKernels, 'memory'>;
      bound = { memory, ...exports };
    }
    instances.set(memory, bound);
  }
  return instances.get(memory) ?? null;
}

const PAGE = 65536;

/** A private memory grown on demand, for tfjs backends whose tensors live on the JS heap. */
export class PrivateHeap {
  private memory: WasmMemory | null = null;

  /** The kernels over a memory of at least `bytes` bytes, or null without WebAssembly SIMD. */
  kernels(bytes: number): WasmKernels | null {
    if (!wasmApi) return null;
    this.memory ??= new wasmApi.Memory({ initial: 1 });
    const missing = bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
    return wasmKernelsFor(this.memory);
  }
}
