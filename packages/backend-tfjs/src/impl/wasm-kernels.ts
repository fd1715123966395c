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
 *  - compare… and select…: float32 comparisons to bool bytes and `where` on 4-byte elements, with
 *    a full or a one-element operand (a ReLU's gradient is where(y > 0, dy, 0)); tfjs-wasm's own
 *    comparisons and selects are scalar loops over broadcast indices, thirty times slower.
 *  - maxPool2x2 / maxPool2x2Grad: the usual 2×2 max pooling and its gradient, branch-free.
 *  - copy3d / add3d: strided row copies and accumulations, the moves of im2col and col2im.
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
  /**
   * out[i] = a[i] OP b (one float32 at `b`) or a[i] OP b[i] (…Full), as bytes 0/1 for i < n;
   * IEEE comparisons (NaN compares false, and unequal).
   */
  compareGt(a: number, b: number, out: number, n: number): void;
  compareGe(a: number, b: number, out: number, n: number): void;
  compareLt(a: number, b: number, out: number, n: number): void;
  compareLe(a: number, b: number, out: number, n: number): void;
  compareEq(a: number, b: number, out: number, n: number): void;
  compareNe(a: number, b: number, out: number, n: number): void;
  compareGtFull(a: number, b: number, out: number, n: number): void;
  compareGeFull(a: number, b: number, out: number, n: number): void;
  compareLtFull(a: number, b: number, out: number, n: number): void;
  compareLeFull(a: number, b: number, out: number, n: number): void;
  compareEqFull(a: number, b: number, out: number, n: number): void;
  compareNeFull(a: number, b: number, out: number, n: number): void;
  /**
   * out[i] = c[i] ? a : b over 4-byte elements for i < n, c bytes (non-zero is true); in the name,
   * F is an operand of n elements and S one element broadcast.
   */
  selectFF(c: number, a: number, b: number, out: number, n: number): void;
  selectFS(c: number, a: number, b: number, out: number, n: number): void;
  selectSF(c: number, a: number, b: number, out: number, n: number): void;
  selectSS(c: number, a: number, b: number, out: number, n: number): void;
  /** y = max over each 2×2 window at stride 2 of `planes` planes [h, w] → [ho, wo] (2·ho ≤ h, 2·wo ≤ w), torch's NaN rule. */
  maxPool2x2(x: number, y: number, planes: number, h: number, w: number, ho: number, wo: number): void;
  /** dx = dy + 0 at each such window's first maximum, +0 at its other taps (taps outside every window untouched). */
  maxPool2x2Grad(dy: number, x: number, dx: number, planes: number, h: number, w: number, ho: number, wo: number): void;
  /**
   * dst[b·dstBatchStride + r·dstStride + i] = src[b·srcBatchStride + r·srcStride + i] for b < batch,
   * r < rows, i < length 4-byte elements (strides in bytes).
   */
  copy3d(src: number, dst: number, batch: number, rows: number, length: number, srcBatchStride: number, srcStride: number, dstBatchStride: number, dstStride: number): void;
  /** As copy3d, adding: dst[…] = dst[…] + src[…] in float32. */
  add3d(src: number, dst: number, batch: number, rows: number, length: number, srcBatchStride: number, srcStride: number, dstBatchStride: number, dstStride: number): void;
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
const F32_EQ = 0x5b;
const F32_NE = 0x5c;
const F32_GT = 0x5e;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_AND = 0x71;
const I32_OR = 0x72;
const I32_LT_U = 0x49;
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
const I32_EQ = 0x46;
const SELECT = 0x1b;
const i32Load = [0x28, 0x02, 0x00];
const i32Store = [0x36, 0x02, 0x00];
const i32Load8U = [0x2d, 0x00, 0x00];
const i32Store8 = [0x3a, 0x00, 0x00];
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
const F32X4_EQ = simd(0x41);
const F32X4_NE = simd(0x42);
const F32X4_LT = simd(0x43);
const F32X4_GT = simd(0x44);
const F32X4_LE = simd(0x45);
const F32X4_GE = simd(0x46);
const V128_AND = simd(0x4e);
const V128_BITSELECT = simd(0x52);
const I8X16_SPLAT = simd(0x0f);
const I32X4_SPLAT = simd(0x11);
const I32X4_NE = simd(0x38);
const I8X16_NARROW_I16X8_S = simd(0x65);
const I16X8_NARROW_I32X4_S = simd(0x85);
const I16X8_EXTEND_LOW_I8X16_U = simd(0x89);
const I32X4_EXTEND_LOW_I16X8_U = simd(0xa9);
/** v128 load at a byte offset from the address on the stack. */
const v128LoadAt = (offset: number): number[] => [...simd(0x00), 0x00, ...uleb(offset)];
const v128Load32Splat = [...simd(0x09), 0x00, 0x00];
const v128Load32Zero = [...simd(0x5c), 0x00, 0x00];
const v128StoreAt = (offset: number): number[] => [...simd(0x0b), 0x00, ...uleb(offset)];
const f32LoadAt = (offset: number): number[] => [0x2a, 0x02, ...uleb(offset)];
const f32StoreAt = (offset: number): number[] => [0x38, 0x02, ...uleb(offset)];
const V128_OR = simd(0x50);
const I32X4_EQ = simd(0x37);
/** i8x16.shuffle of two vectors (lanes 0–15 the first, 16–31 the second) by 4-byte elements. */
const shuffle32 = (elements: readonly number[]): number[] => [...simd(0x0d), ...elements.flatMap((e) => [4 * e, 4 * e + 1, 4 * e + 2, 4 * e + 3])];
const EVEN = shuffle32([0, 2, 4, 6]);
const ODD = shuffle32([1, 3, 5, 7]);
const INTERLEAVE_LOW = shuffle32([0, 4, 1, 5]);
const INTERLEAVE_HIGH = shuffle32([2, 6, 3, 7]);
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

/**
 * transpose(src, dst, batch, rows, cols): blocks of 4 rows × 4 columns transposed in registers
 * (eight shuffles), the columns and rows left over one element at a time.
 */
function transposeFunc(): Func {
  const [src, dst, batch, rows, cols] = [0, 1, 2, 3, 4];
  const [r, c, s, d, colBytes, rowBytes, plane] = [5, 6, 7, 8, 9, 10, 11];
  const [a, b, e, f] = [12, 13, 14, 15];
  /** Source row k of the block at s, or destination column k at d. */
  const sourceRow = (k: number): number[] => [...get(s), ...(k > 0 ? [...get(colBytes), ...i32Const(k), I32_MUL, I32_ADD] : [])];
  const targetColumn = (k: number): number[] => [...get(d), ...(k > 0 ? [...get(rowBytes), ...i32Const(k), I32_MUL, I32_ADD] : [])];
  const PAIR_LOW = shuffle32([0, 4, 1, 5]);
  const PAIR_HIGH = shuffle32([2, 6, 3, 7]);
  const HALF_LOW = shuffle32([0, 1, 4, 5]);
  const HALF_HIGH = shuffle32([2, 3, 6, 7]);
  return {
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [[7, I32], [4, V128]],
    code: [
      ...get(cols), ...i32Const(2), I32_SHL, ...set(colBytes),
      ...get(rows), ...i32Const(2), I32_SHL, ...set(rowBytes),
      ...get(rowBytes), ...get(cols), I32_MUL, ...set(plane),
      ...whileNot([...get(batch), I32_EQZ], [
        ...i32Const(0), ...set(r),
        // blocks of four rows
        ...whileNot([...get(rows), ...get(r), I32_SUB, ...i32Const(4), I32_LT_U], [
          ...get(src), ...get(r), ...get(colBytes), I32_MUL, I32_ADD, ...set(s),
          ...get(dst), ...get(r), ...i32Const(2), I32_SHL, I32_ADD, ...set(d),
          ...i32Const(0), ...set(c),
          ...whileNot([...get(cols), ...get(c), I32_SUB, ...i32Const(4), I32_LT_U], [
            // a = r0 r1 interleaved low, b = high; e, f the same for rows 2 and 3
            ...sourceRow(0), ...v128Load, ...sourceRow(1), ...v128Load, ...PAIR_LOW, ...set(a),
            ...sourceRow(0), ...v128Load, ...sourceRow(1), ...v128Load, ...PAIR_HIGH, ...set(b),
            ...sourceRow(2), ...v128Load, ...sourceRow(3), ...v128Load, ...PAIR_LOW, ...set(e),
            ...sourceRow(2), ...v128Load, ...sourceRow(3), ...v128Load, ...PAIR_HIGH, ...set(f),
            ...targetColumn(0), ...get(a), ...get(e), ...HALF_LOW, ...v128Store,
            ...targetColumn(1), ...get(a), ...get(e), ...HALF_HIGH, ...v128Store,
            ...targetColumn(2), ...get(b), ...get(f), ...HALF_LOW, ...v128Store,
            ...targetColumn(3), ...get(b), ...get(f), ...HALF_HIGH, ...v128Store,
            ...advance([s], 16),
            ...get(d), ...get(rowBytes), ...i32Const(2), I32_SHL, I32_ADD, ...set(d),
            ...advance([c], 4),
          ]),
          // the columns left over, four rows each
          ...whileNot([...get(c), ...get(cols), I32_GE_U], [
            ...[0, 1, 2, 3].flatMap((k) => [...get(d), ...(k > 0 ? i32Const(4 * k) : []), ...(k > 0 ? [I32_ADD] : []), ...sourceRow(k), ...i32Load, ...i32Store]),
            ...advance([s], 4),
            ...get(d), ...get(rowBytes), I32_ADD, ...set(d),
            ...advance([c], 1),
          ]),
          ...advance([r], 4),
        ]),
        // the rows left over, one element at a time
        ...whileNot([...get(r), ...get(rows), I32_GE_U], [
          ...get(src), ...get(r), ...get(colBytes), I32_MUL, I32_ADD, ...set(s),
          ...get(dst), ...get(r), ...i32Const(2), I32_SHL, I32_ADD, ...set(d),
          ...get(cols), ...set(c),
          ...whileNot([...get(c), I32_EQZ], [
            ...get(d), ...get(s), ...i32Load, ...i32Store,
            ...advance([s], 4),
            ...get(d), ...get(rowBytes), I32_ADD, ...set(d),
            ...get(c), ...i32Const(1), I32_SUB, ...set(c),
          ]),
          ...advance([r], 1),
        ]),
        ...get(src), ...get(plane), I32_ADD, ...set(src),
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

type Comparison = 'Gt' | 'Ge' | 'Lt' | 'Le' | 'Eq' | 'Ne';

const COMPARISONS: Record<Comparison, { vector: number[]; scalar: number }> = {
  Gt: { vector: F32X4_GT, scalar: F32_GT },
  Ge: { vector: F32X4_GE, scalar: F32_GE },
  Lt: { vector: F32X4_LT, scalar: F32_LT },
  Le: { vector: F32X4_LE, scalar: F32_LE },
  Eq: { vector: F32X4_EQ, scalar: F32_EQ },
  Ne: { vector: F32X4_NE, scalar: F32_NE },
};

/**
 * compare<Op>(a, b, out, n): 16 floats per step, four lane masks narrowed to 16 bytes and masked to
 * 0/1; `full`: b has n elements, else b is one float.
 */
function compareFunc(op: Comparison, full: boolean): Func {
  const [a, b, out, n] = [0, 1, 2, 3];
  const [end, vb, vone, fb] = [4, 5, 6, 7];
  const { vector: cmp, scalar: cmpScalar } = COMPARISONS[op];
  const lanes = (offset: number): number[] => [
    ...get(a), ...v128LoadAt(offset), ...(full ? [...get(b), ...v128LoadAt(offset)] : get(vb)), ...cmp,
  ];
  return {
    params: [I32, I32, I32, I32],
    results: [],
    locals: [[1, I32], [2, V128], [1, F32]],
    code: [
      ...(full ? [] : [...get(b), ...f32Load, ...set(fb), ...get(fb), ...F32X4_SPLAT, ...set(vb)]),
      ...i32Const(1), ...I8X16_SPLAT, ...set(vone),
      ...endOf(end, a, n, -16),
      ...whileNot([...get(a), ...get(end), I32_GE_U], [
        ...get(out),
        ...lanes(0), ...lanes(16), ...I16X8_NARROW_I32X4_S,
        ...lanes(32), ...lanes(48), ...I16X8_NARROW_I32X4_S,
        ...I8X16_NARROW_I16X8_S, ...get(vone), ...V128_AND,
        ...v128Store,
        ...advance(full ? [a, b] : [a], 64), ...advance([out], 16),
      ]),
      ...endOf(end, end, n, 15),
      ...whileNot([...get(a), ...get(end), I32_GE_U], [
        ...get(out),
        ...get(a), ...f32Load, ...(full ? [...get(b), ...f32Load] : get(fb)), cmpScalar,
        ...i32Store8,
        ...advance(full ? [a, b] : [a], 4), ...advance([out], 1),
      ]),
      END,
    ],
  };
}

/**
 * select<A><B>(c, a, b, out, n): 4 elements per step, their condition bytes widened to lane masks
 * for a bitselect; an S operand is one element, splatted once.
 */
function selectFunc(aFull: boolean, bFull: boolean): Func {
  const [c, a, b, out, n] = [0, 1, 2, 3, 4];
  const [end, va, vb, vzero, sa, sb] = [5, 6, 7, 8, 9, 10];
  const operand = (p: number, isFull: boolean, v: number): number[] => (isFull ? [...get(p), ...v128Load] : get(v));
  const scalar = (p: number, isFull: boolean, s: number): number[] => (isFull ? [...get(p), ...i32Load] : get(s));
  const moving = [c, out, ...(aFull ? [a] : []), ...(bFull ? [b] : [])];
  return {
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [[1, I32], [3, V128], [2, I32]],
    code: [
      ...(aFull ? [] : [...get(a), ...v128Load32Splat, ...set(va), ...get(a), ...i32Load, ...set(sa)]),
      ...(bFull ? [] : [...get(b), ...v128Load32Splat, ...set(vb), ...get(b), ...i32Load, ...set(sb)]),
      ...i32Const(0), ...I32X4_SPLAT, ...set(vzero),
      // end = c + (n & −4): c advances one byte per element
      ...get(c), ...get(n), ...i32Const(-4), I32_AND, I32_ADD, ...set(end),
      ...whileNot([...get(c), ...get(end), I32_GE_U], [
        ...get(out),
        ...operand(a, aFull, va), ...operand(b, bFull, vb),
        ...get(c), ...v128Load32Zero, ...I16X8_EXTEND_LOW_I8X16_U, ...I32X4_EXTEND_LOW_I16X8_U, ...get(vzero), ...I32X4_NE,
        ...V128_BITSELECT,
        ...v128Store,
        ...advance([c], 4), ...advance(moving.filter((p) => p !== c), 16),
      ]),
      ...get(end), ...get(n), ...i32Const(3), I32_AND, I32_ADD, ...set(end),
      ...whileNot([...get(c), ...get(end), I32_GE_U], [
        ...get(out),
        ...scalar(a, aFull, sa), ...scalar(b, bFull, sb), ...get(c), ...i32Load8U, SELECT,
        ...i32Store,
        ...advance([c], 1), ...advance(moving.filter((p) => p !== c), 4),
      ]),
      END,
    ],
  };
}

/**
 * copy3d / add3d(src, dst, batch, rows, length, srcBatchStride, srcStride, dstBatchStride, dstStride):
 * `batch` blocks of `rows` rows, 4 elements per inner step.
 */
function rowsFunc(add: boolean): Func {
  const [src, dst, batch, rows, length, srcBatchStride, srcStride, dstBatchStride, dstStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [s, d, end, r, rowSrc, rowDst] = [9, 10, 11, 12, 13, 14];
  return {
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [[6, I32]],
    code: [
      ...whileNot([...get(batch), I32_EQZ], [
        ...get(src), ...set(rowSrc), ...get(dst), ...set(rowDst), ...get(rows), ...set(r),
        ...whileNot([...get(r), I32_EQZ], [
          ...get(rowSrc), ...set(s), ...get(rowDst), ...set(d),
          ...endOf(end, rowSrc, length, -4),
          ...whileNot([...get(s), ...get(end), I32_GE_U], [
            ...get(d),
            ...(add ? [...get(d), ...v128Load, ...get(s), ...v128Load, ...F32X4_ADD] : [...get(s), ...v128Load]),
            ...v128Store,
            ...advance([s, d], 16),
          ]),
          ...endOf(end, end, length, 3),
          ...whileNot([...get(s), ...get(end), I32_GE_U], [
            ...get(d),
            ...(add ? [...get(d), ...f32Load, ...get(s), ...f32Load, F32_ADD, ...f32Store] : [...get(s), ...i32Load, ...i32Store]),
            ...advance([s, d], 4),
          ]),
          ...get(rowSrc), ...get(srcStride), I32_ADD, ...set(rowSrc),
          ...get(rowDst), ...get(dstStride), I32_ADD, ...set(rowDst),
          ...get(r), ...i32Const(1), I32_SUB, ...set(r),
        ]),
        ...get(src), ...get(srcBatchStride), I32_ADD, ...set(src),
        ...get(dst), ...get(dstBatchStride), I32_ADD, ...set(dst),
        ...get(batch), ...i32Const(1), I32_SUB, ...set(batch),
      ]),
      END,
    ],
  };
}

/**
 * maxPool2x2(x, y, planes, h, w, ho, wo) / maxPool2x2Grad(dy, x, dx, planes, h, w, ho, wo): 2×2
 * windows at stride 2 inside [h, w] planes, four outputs per step from two rows of eight inputs
 * split into even and odd columns. Taps in row-major order; a tap replaces the running maximum when
 * it is greater or NaN (torch's rule). The gradient writes dy + 0 at each window's maximum and +0
 * at its other taps (dx positions outside every window are the caller's to clear). Branch-free.
 */
function maxPool2x2Func(grad: boolean): Func {
  // parameters
  const [dy, x, dx] = grad ? [0, 1, 2] : [-1, 0, -1];
  const y = grad ? -1 : 1;
  const base = grad ? 3 : 2;
  const [planes, h, w, ho, wo] = [base, base + 1, base + 2, base + 3, base + 4];
  // locals
  const l = base + 5;
  const [rowBytes, planeBytes, oh, count, r0, r1, rowStart, delta] = [l, l + 1, l + 2, l + 3, l + 4, l + 5, l + 6, l + 7];
  const [best, t, m, at, g, zero, k1, k2, k3] = [l + 8, l + 9, l + 10, l + 11, l + 12, l + 13, l + 14, l + 15, l + 16];
  const [fbest, ft, fg] = [l + 17, l + 18, l + 19];
  const [fat, cond] = [l + 20, l + 21];
  const out = grad ? dy : y; // the pointer that runs one element per window (dy read, or y written)

  /** best = t where t > best or t is NaN (vector); `index`: also track the tap index in `at`. */
  const update = (index: number | null): number[] => [
    ...get(t), ...get(best), ...F32X4_GT, ...get(t), ...get(t), ...F32X4_NE, ...V128_OR, ...set(m),
    ...get(t), ...get(best), ...get(m), ...V128_BITSELECT, ...set(best),
    ...(index === null ? [] : [...get(index), ...get(at), ...get(m), ...V128_BITSELECT, ...set(at)]),
  ];
  const scalarUpdate = (index: number | null): number[] => [
    ...get(ft), ...get(fbest), F32_GT, ...get(ft), ...get(ft), F32_NE, I32_OR, ...set(cond),
    ...get(ft), ...get(fbest), ...get(cond), SELECT, ...set(fbest),
    ...(index === null ? [] : [...i32Const(index), ...get(fat), ...get(cond), SELECT, ...set(fat)]),
  ];
  const vectorBody = [
    ...get(r0), ...v128LoadAt(0), ...get(r0), ...v128LoadAt(16), ...EVEN, ...set(best),
    ...(grad ? [...get(zero), ...set(at)] : []),
    ...get(r0), ...v128LoadAt(0), ...get(r0), ...v128LoadAt(16), ...ODD, ...set(t), ...update(grad ? k1 : null),
    ...get(r1), ...v128LoadAt(0), ...get(r1), ...v128LoadAt(16), ...EVEN, ...set(t), ...update(grad ? k2 : null),
    ...get(r1), ...v128LoadAt(0), ...get(r1), ...v128LoadAt(16), ...ODD, ...set(t), ...update(grad ? k3 : null),
    ...(grad
      ? [
        // g = dy + 0; tap k gets g where at = k, else +0
        ...get(dy), ...v128Load, ...get(zero), ...F32X4_ADD, ...set(g),
        ...[[r0, zero, k1], [r1, k2, k3]].flatMap(([row, even, odd]) => {
          const select = (k: number): number[] => [...get(g), ...get(zero), ...get(at), ...get(k), ...I32X4_EQ, ...V128_BITSELECT];
          return [
            ...get(row as number), ...get(delta), I32_ADD, ...select(even as number), ...select(odd as number), ...INTERLEAVE_LOW, ...v128StoreAt(0),
            ...get(row as number), ...get(delta), I32_ADD, ...select(even as number), ...select(odd as number), ...INTERLEAVE_HIGH, ...v128StoreAt(16),
          ];
        }),
      ]
      : [...get(y), ...get(best), ...v128Store]),
    ...advance([r0, r1], 32), ...advance([out], 16),
    ...get(count), ...i32Const(4), I32_SUB, ...set(count),
  ];
  const scalarBody = [
    ...get(r0), ...f32LoadAt(0), ...set(fbest),
    ...(grad ? [...i32Const(0), ...set(fat)] : []),
    ...get(r0), ...f32LoadAt(4), ...set(ft), ...scalarUpdate(grad ? 1 : null),
    ...get(r1), ...f32LoadAt(0), ...set(ft), ...scalarUpdate(grad ? 2 : null),
    ...get(r1), ...f32LoadAt(4), ...set(ft), ...scalarUpdate(grad ? 3 : null),
    ...(grad
      ? [
        ...get(dy), ...f32Load, ...f32Const(0), F32_ADD, ...set(fg),
        ...[[r0, 0, 0], [r0, 4, 1], [r1, 0, 2], [r1, 4, 3]].flatMap(([row, offset, k]) => [
          ...get(row as number), ...get(delta), I32_ADD,
          ...get(fg), ...f32Const(0), ...get(fat), ...i32Const(k as number), I32_EQ, SELECT,
          ...f32StoreAt(offset as number),
        ]),
      ]
      : [...get(y), ...get(fbest), ...f32Store]),
    ...advance([r0, r1], 8), ...advance([out], 4),
    ...get(count), ...i32Const(1), I32_SUB, ...set(count),
  ];
  return {
    params: grad ? [I32, I32, I32, I32, I32, I32, I32, I32] : [I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [[8, I32], [9, V128], [3, F32], [2, I32]],
    code: [
      ...get(w), ...i32Const(2), I32_SHL, ...set(rowBytes),
      ...get(rowBytes), ...get(h), I32_MUL, ...set(planeBytes),
      ...(grad
        ? [
          ...get(dx), ...get(x), I32_SUB, ...set(delta),
          ...i32Const(0), ...I32X4_SPLAT, ...set(zero),
          ...i32Const(1), ...I32X4_SPLAT, ...set(k1),
          ...i32Const(2), ...I32X4_SPLAT, ...set(k2),
          ...i32Const(3), ...I32X4_SPLAT, ...set(k3),
        ]
        : []),
      ...whileNot([...get(planes), I32_EQZ], [
        ...get(x), ...set(rowStart),
        ...get(ho), ...set(oh),
        ...whileNot([...get(oh), I32_EQZ], [
          ...get(rowStart), ...set(r0),
          ...get(rowStart), ...get(rowBytes), I32_ADD, ...set(r1),
          ...get(wo), ...set(count),
          ...whileNot([...get(count), ...i32Const(4), I32_LT_U], vectorBody),
          ...whileNot([...get(count), I32_EQZ], scalarBody),
          ...get(rowStart), ...get(rowBytes), ...i32Const(1), I32_SHL, I32_ADD, ...set(rowStart),
          ...get(oh), ...i32Const(1), I32_SUB, ...set(oh),
        ]),
        ...get(x), ...get(planeBytes), I32_ADD, ...set(x),
        ...get(planes), ...i32Const(1), I32_SUB, ...set(planes),
      ]),
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
  ...(['Gt', 'Ge', 'Lt', 'Le', 'Eq', 'Ne'] as const).flatMap((op): Array<[keyof Omit<WasmKernels, 'memory'>, () => Func]> => [
    [`compare${op}`, () => compareFunc(op, false)],
    [`compare${op}Full`, () => compareFunc(op, true)],
  ]),
  ['selectFF', () => selectFunc(true, true)],
  ['selectFS', () => selectFunc(true, false)],
  ['selectSF', () => selectFunc(false, true)],
  ['selectSS', () => selectFunc(false, false)],
  ['maxPool2x2', () => maxPool2x2Func(false)],
  ['maxPool2x2Grad', () => maxPool2x2Func(true)],
  ['copy3d', () => rowsFunc(false)],
  ['add3d', () => rowsFunc(true)],
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
