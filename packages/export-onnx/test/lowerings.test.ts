/**
 * Every kernel lowering against the reference backend: a module that runs one kernel (on slices of
 * its input where the kernel takes several operands) is exported, run in onnxruntime-web, and its
 * output compared with the module's own on the reference backend, bit for bit, on inputs chosen for
 * their edge cases: NaN, ±0, ±∞, .5 ties, powers of two, denormals, int32's extremes, values out of
 * int32's range for casts. Each exported graph must compute what core computes.
 *
 * Where an exported graph is not bit-exact, the case says so and why, and either bounds the
 * difference (Exp and Sigmoid: one ulp) or leaves it out of the input: NaN through a quantizer
 * (integers have no NaN) or a max pool (onnxruntime's skips it), −0 out of a quantizer, and
 * pow(±1, ±∞), pow(1, NaN), where the reference backend's Math.pow is not C's pow, and int32
 * powers past int32 (core's wrap, onnxruntime's saturate). Sums and products of the weight layers
 * and pooling are on small integers, exact in any order. The cases must cover the lowering table:
 * a new lowering without a case fails the last test.
 */
import * as P from '@parvus/core';
import type { DType, Tensor } from '@parvus/core';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { exportOnnxQcdq } from '../src/index.js';
import { kernelLowerings } from '../src/lower/kernels/register-all-lowerings.js';
import './helpers/models.js';
import { checked, checkerAcceptsEveryModel } from './helpers/onnx-checker.js';

// --- inputs -----------------------------------------------------------------------------------

interface Input {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

const F = Math.fround;

/** float32 values that tell implementations apart. */
const FLOAT_EDGES = [
  NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1, -1, 2, -2, 3, -3, 0.25, 1024,
  0.1, -0.7, 7.3, -7.9, 1e-45, -1e-45, 2 ** -126, 3.4028234663852886e38, -3.4028234663852886e38,
  2147483520, 2147483648, -2147483648, -2147483904, 1e10, -1e10, 16777217, 123.456, -0.49999997,
].map(F);

/** Fewer of them, for pairs (each operand takes every value). */
const FLOAT_PAIR_EDGES = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, -2.5, 1, -1, 2, 3, 0.1, -7.9, 1e-45, 3.4028234663852886e38, -1e10].map(F);

/** Seeded values spread over float32's exponents, either sign. */
function spread(n: number, seed: number, signed = true): number[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => F((signed && next() < 0.5 ? -1 : 1) * Math.exp((next() * 2 - 1) * 85)));
}

const POWERS_OF_TWO = [-149, -140, -127, -126, -100, -24, -1, 0, 1, 2, 10, 23, 24, 64, 100, 127].map((e) => 2 ** e);

const INT_EDGES = [0, 1, -1, 2, -2, 3, -7, 100, -100, 46341, -46341, 65536, 16777217, 2147483647, -2147483648, 2147483646, -2147483647];

function floats(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { dtype: 'float32', shape, values: values.map(F) };
}

function ints(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { dtype: 'int32', shape, values };
}

function bools(values: readonly number[], shape: readonly number[] = [values.length]): Input {
  return { dtype: 'bool', shape, values };
}

/** Every pair (a, b) of `as` × `bs` that `keep` keeps, as the two rows of a [2, n] input. */
function pairs(dtype: DType, as: readonly number[], bs: readonly number[] = as, keep: (a: number, b: number) => boolean = () => true): Input {
  const all = as.flatMap((x) => bs.map((y) => [x, y] as const)).filter(([x, y]) => keep(F(x), F(y)));
  const a = all.map(([x]) => x);
  const b = all.map(([, y]) => y);
  const values = [...a, ...b];
  return { dtype, shape: [2, a.length], values: dtype === 'float32' ? values.map(F) : values };
}

/** Every triple of `cs` × `as` × `bs`, as the three rows of a [3, n] input. */
function triples(dtype: DType, cs: readonly number[], as: readonly number[], bs: readonly number[] = as): Input {
  const rows: number[][] = [[], [], []];
  for (const c of cs) for (const a of as) for (const b of bs) [c, a, b].forEach((v, i) => rows[i]!.push(v));
  const values = rows.flat();
  return { dtype, shape: [3, (rows[0] as number[]).length], values: dtype === 'float32' ? values.map(F) : values };
}

// --- the one-kernel modules -------------------------------------------------------------------

function kernel(name: string, inputs: readonly Tensor[], attrs: object = {}): Tensor {
  return P.engine().runKernel(name, inputs, attrs);
}

/** Row i of a rank-2 input, [1, n] (a Slice). */
function row(x: Tensor, i: number): Tensor {
  return kernel('Slice', [x], { begin: [i, 0], size: [1, x.shape[1] as number] });
}

function rows(x: Tensor): Tensor[] {
  return Array.from({ length: x.shape[0] as number }, (_, i) => row(x, i));
}

/** A constant (not computed from the input: an initializer in the graph). */
function constant(values: readonly number[], shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return P.tensor(dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values), [...shape], dtype);
}

class OneKernel extends P.Module {
  constructor(private readonly body: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.body(x);
  }
}

interface LoweringCase {
  /** The lowering it exercises (a key of the lowering table). */
  readonly kernel: string;
  readonly name: string;
  readonly input: Input;
  readonly forward: (x: Tensor) => Tensor;
  /** ONNX opsets to export with (default 13). */
  readonly opsets?: readonly number[];
  /** Not bit-exact: the largest difference allowed, in float32 ulps of the reference value. */
  readonly ulps?: number;
}

const CASES: LoweringCase[] = [];

function add(c: LoweringCase): void {
  CASES.push(c);
}

// Unary kernels.
const POSITIVES = [...POWERS_OF_TWO, ...spread(120, 7, false)];
for (const name of ['Neg', 'Abs', 'Sign', 'Floor', 'Ceil', 'Round', 'Trunc', 'Relu', 'Sqrt', 'Log', 'Log2', 'Tanh', 'Exp', 'Sigmoid']) {
  const values = [...FLOAT_EDGES, ...POSITIVES, ...spread(120, 11)];
  // Exp and Sigmoid take a correctly rounded exp, not torch's SLEEF exp (see elementwise.ts).
  const ulps = name === 'Exp' || name === 'Sigmoid' ? 1 : undefined;
  add({ kernel: name, name: `${name} float32`, input: floats(values), forward: (x) => kernel(name, [x]), ...(ulps ? { ulps } : {}) });
}
for (const name of ['Neg', 'Abs', 'Sign', 'Floor', 'Ceil', 'Round', 'Trunc', 'Relu']) {
  add({ kernel: name, name: `${name} int32`, input: ints(INT_EDGES), forward: (x) => kernel(name, [x]), opsets: name === 'Relu' ? [13, 14] : [13] });
}

// Binary kernels, on every pair of edge values; and with a constant, broadcast operand.
const ARITHMETIC = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum'];
const COMPARISONS = ['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'];
/**
 * The reference backend's Pow is JavaScript's Math.pow, which differs from C's pow (torch's, and
 * onnxruntime's) in pow(±1, ±∞) and pow(1, NaN): NaN there, 1 in C. The exported graph keeps C's;
 * those pairs are left out.
 */
const powAgrees = (a: number, b: number): boolean => !((Math.abs(a) === 1 && !Number.isFinite(b)) || (a === 1 && Number.isNaN(b)));
for (const name of [...ARITHMETIC, ...COMPARISONS]) {
  const keep = name === 'Pow' ? powAgrees : () => true;
  add({ kernel: name, name: `${name} float32 pairs`, input: pairs('float32', FLOAT_PAIR_EDGES, FLOAT_PAIR_EDGES, keep), forward: (x) => kernel(name, rows(x)) });
  add({
    kernel: name,
    name: `${name} float32 against a broadcast constant`,
    input: floats(FLOAT_PAIR_EDGES.filter((v) => Math.abs(v) !== 1).slice(0, 15), [3, 5]),
    forward: (x) => kernel(name, [x, constant([-0, 0.5, NaN, 2, -Infinity], [5])]),
  });
  if (name === 'Div') continue;
  if (name === 'Pow') {
    // Integer powers wrap in core; onnxruntime's int32 Pow does not (it saturates), so only results int32 holds.
    add({ kernel: name, name: 'Pow int32 pairs', input: pairs('int32', [-3, -2, -1, 0, 1, 2, 3, 7, -11], [0, 1, 2, 3, 5, 8]), forward: (x) => kernel(name, rows(x)) });
    continue;
  }
  add({ kernel: name, name: `${name} int32 pairs`, input: pairs('int32', INT_EDGES), forward: (x) => kernel(name, rows(x)) });
  if (COMPARISONS.includes(name)) add({ kernel: name, name: `${name} bool pairs`, input: pairs('bool', [0, 1]), forward: (x) => kernel(name, rows(x)) });
}

// Where: the condition from a cast of row 0, the operands rows 1 and 2 (±0 from either side).
const WHERE_VALUES = [NaN, Infinity, -Infinity, 0, -0, 1.5, -2.5];
add({ kernel: 'Where', name: 'Where float32', input: triples('float32', [0, 1], WHERE_VALUES), forward: (x) => {
  const [c, a, b] = rows(x) as [Tensor, Tensor, Tensor];
  return kernel('Where', [kernel('Cast', [c], { dtype: 'bool' }), a, b]);
} });
add({ kernel: 'Where', name: 'Where float32, constant broadcast operands', input: floats([0, 1, 1, 0, 1]), forward: (x) =>
  kernel('Where', [kernel('Cast', [x], { dtype: 'bool' }), constant([-0], []), constant([0, -0, 2.5, -0, NaN], [5])]) });
add({ kernel: 'Where', name: 'Where int32', input: triples('int32', [0, 1], [0, -1, 2147483647, -2147483648]), forward: (x) => {
  const [c, a, b] = rows(x) as [Tensor, Tensor, Tensor];
  return kernel('Where', [kernel('Cast', [c], { dtype: 'bool' }), a, b]);
} });
add({ kernel: 'Where', name: 'Where bool', input: triples('bool', [0, 1], [0, 1]), forward: (x) => {
  const [c, a, b] = rows(x) as [Tensor, Tensor, Tensor];
  return kernel('Where', [c, a, b]);
} });

// Clip, float32 and int32, with one-sided, fractional, crossed (min > max) and signed-zero bounds.
const FLOAT_BOUNDS: Array<[number, number]> = [[-1.5, 2.5], [-Infinity, 0], [0, Infinity], [-0, 0], [0.1, 0.1], [2, 1], [-1e10, 3.4028234663852886e38]];
for (const [min, max] of FLOAT_BOUNDS) {
  add({ kernel: 'Clip', name: `Clip float32 [${min}, ${max}]`, input: floats([...FLOAT_EDGES, ...spread(40, 3)]), forward: (x) => kernel('Clip', [x], { min, max }) });
}
const INT_BOUNDS: Array<[number, number]> = [[-2.5, 3.5], [-Infinity, 5], [-7, Infinity], [2, 1], [-2147483648, 2147483647], [0.5, 0.75], [-3.5, -2.5]];
for (const [min, max] of INT_BOUNDS) {
  add({ kernel: 'Clip', name: `Clip int32 [${min}, ${max}]`, input: ints([...INT_EDGES, -3, -4, 4, 5, 6]), forward: (x) => kernel('Clip', [x], { min, max }) });
}

// Cast between every pair of dtypes.
const CAST_FLOATS = [...FLOAT_EDGES, 2147483392, -2147483520, -0.9, 0.9, -2147483648.5, 4294967296, -4294967296];
for (const to of ['int32', 'bool', 'float32'] as const) add({ kernel: 'Cast', name: `Cast float32 → ${to}`, input: floats(CAST_FLOATS), forward: (x) => kernel('Cast', [x], { dtype: to }) });
for (const to of ['float32', 'bool', 'int32'] as const) add({ kernel: 'Cast', name: `Cast int32 → ${to}`, input: ints([...INT_EDGES, 16777219, -16777219, 33554435]), forward: (x) => kernel('Cast', [x], { dtype: to }) });
for (const to of ['float32', 'int32', 'bool'] as const) add({ kernel: 'Cast', name: `Cast bool → ${to}`, input: bools([0, 1, 1, 0]), forward: (x) => kernel('Cast', [x], { dtype: to }) });

// Layout.
const SEQUENCE = (n: number, offset = 0): number[] => Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -0 : i - offset));
add({ kernel: 'Transpose', name: 'Transpose float32 [2, 3, 4] by [2, 0, 1]', input: floats(SEQUENCE(24, 5), [2, 3, 4]), forward: (x) => kernel('Transpose', [x], { perm: [2, 0, 1] }) });
add({ kernel: 'Transpose', name: 'Transpose bool [2, 3] by [1, 0]', input: bools([1, 0, 0, 1, 1, 0], [2, 3]), forward: (x) => kernel('Transpose', [x], { perm: [1, 0] }) });
add({ kernel: 'Concat', name: 'Concat float32 rows along axis 1', input: floats(FLOAT_PAIR_EDGES, [3, 6]), forward: (x) => kernel('Concat', rows(x), { axis: 1 }) });
add({ kernel: 'Concat', name: 'Concat int32 with a constant along axis 0', input: ints(INT_EDGES.slice(0, 12), [2, 6]), forward: (x) => kernel('Concat', [x, constant([1, 2, 3, 4, 5, 6], [1, 6], 'int32')], { axis: 0 }) });
add({ kernel: 'Slice', name: 'Slice float32 [3, 4] → [1:3, 1:3]', input: floats(SEQUENCE(12, 4), [3, 4]), forward: (x) => kernel('Slice', [x], { begin: [1, 1], size: [2, 2] }) });
add({ kernel: 'Pad', name: 'Pad float32 with −0', input: floats(SEQUENCE(6, 2), [2, 3]), forward: (x) => kernel('Pad', [x], { paddings: [[1, 0], [2, 1]], constantValue: -0 }) });
add({ kernel: 'Pad', name: 'Pad float32 with NaN', input: floats(SEQUENCE(6, 2), [2, 3]), forward: (x) => kernel('Pad', [x], { paddings: [[0, 2], [1, 1]], constantValue: NaN }) });
add({ kernel: 'Pad', name: 'Pad int32', input: ints(INT_EDGES.slice(0, 6), [2, 3]), forward: (x) => kernel('Pad', [x], { paddings: [[1, 1], [0, 2]], constantValue: -7 }) });
add({ kernel: 'Pad', name: 'Pad bool with true', input: bools([0, 1, 0, 0], [2, 2]), forward: (x) => kernel('Pad', [x], { paddings: [[0, 1], [1, 0]], constantValue: 1 }) });

// Reductions over every axis subset that matters, NaN and ±∞ in some slices; the opsets before and
// after ReduceMax/ReduceMin take their axes as an input.
const REDUCE_FLOATS = [
  1, -0, 2.5, -3, NaN, 4, 0.5, -0.5, 8, 16, -2, 0,
  Infinity, 1, -Infinity, 2, -0, -0, -0, -0, 3.5, -1.5, 6, 7,
];
const REDUCE_INTS = [1, -2, 2147483647, 1, -2147483648, -1, 5, 5, 0, 3, -3, 7, 9, -9, 2, 2, 4, 6, 8, 10, -10, 11, 12, 13];
const AXES = [[], [0], [1], [2], [0, 2], [0, 1, 2]];
for (const name of ['Sum', 'Max', 'Min']) {
  for (const axes of AXES) {
    for (const keepDims of [false, true]) {
      const attrs = { axes, keepDims };
      const what = `axes [${axes.join(', ')}]${keepDims ? ', keepDims' : ''}`;
      add({ kernel: name, name: `${name} float32, ${what}`, input: floats(REDUCE_FLOATS, [2, 3, 4]), forward: (x) => kernel(name, [x], attrs), opsets: [13, 18] });
      add({ kernel: name, name: `${name} int32, ${what}`, input: ints(REDUCE_INTS, [2, 3, 4]), forward: (x) => kernel(name, [x], attrs), opsets: [13, 18] });
    }
  }
}
add({ kernel: 'Sum', name: 'Sum bool, axes [1]', input: bools([1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1], [2, 6]), forward: (x) => kernel('Sum', [x], { axes: [1], keepDims: false }) });
for (const axis of [0, 1, 2]) {
  for (const keepDims of [false, true]) {
    add({ kernel: 'ArgMax', name: `ArgMax float32, axis ${axis}${keepDims ? ', keepDims' : ''}`, input: floats(REDUCE_FLOATS, [2, 3, 4]), forward: (x) => kernel('ArgMax', [x], { axis, keepDims }) });
    add({ kernel: 'ArgMax', name: `ArgMax int32, axis ${axis}${keepDims ? ', keepDims' : ''}`, input: ints(REDUCE_INTS, [2, 3, 4]), forward: (x) => kernel('ArgMax', [x], { axis, keepDims }) });
  }
}

// Weight layers and pooling, on small integers so that every sum is exact in any order.
const SMALL_INTS = (n: number, seed: number, range = 4): number[] => {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) % (2 * range + 1) - range;
  });
};
const CONVS = [
  { what: 'pad 1', strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1, channels: 2 },
  { what: 'stride 2, asymmetric pads', strides: [2, 2], pads: [0, 1, 1, 0], dilations: [1, 1], groups: 1, channels: 2 },
  { what: 'dilation 2, 2 groups', strides: [1, 1], pads: [2, 2, 2, 2], dilations: [2, 2], groups: 2, channels: 4 },
];
for (const c of CONVS) {
  const outChannels = 2 * c.groups;
  const weight = SMALL_INTS(outChannels * (c.channels / c.groups) * 9, 5, 2);
  add({
    kernel: 'Conv2D',
    name: `Conv2D, ${c.what}`,
    input: floats(SMALL_INTS(c.channels * 25, 3), [1, c.channels, 5, 5]),
    forward: (x) => kernel('Conv2D', [x, constant(weight, [outChannels, c.channels / c.groups, 3, 3])], { strides: c.strides, pads: c.pads, dilations: c.dilations, groups: c.groups }),
  });
}
add({
  kernel: 'Add',
  name: 'Add of a per-channel constant to a convolution (its bias)',
  input: floats(SMALL_INTS(50, 9), [1, 2, 5, 5]),
  forward: (x) => {
    const y = kernel('Conv2D', [x, constant(SMALL_INTS(36, 4, 2), [2, 2, 3, 3])], { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 });
    return kernel('Add', [y, constant([0.5, -3], [1, 2, 1, 1])]);
  },
});
add({
  kernel: 'Conv2D',
  name: 'Conv2D of height 1 (a 1-D convolution)',
  input: floats(SMALL_INTS(14, 13), [1, 2, 7]),
  forward: (x) => kernel('Conv2D', [P.reshape(x, [1, 2, 1, 7]), constant(SMALL_INTS(18, 6, 2), [3, 2, 1, 3])], { strides: [1, 2], pads: [0, 0, 1, 1], dilations: [1, 1], groups: 1 }),
});
for (const [h, w] of [[5, 5], [6, 6]]) {
  add({
    kernel: 'Conv2DBackpropInput',
    name: `Conv2DBackpropInput to [${h}, ${w}]`,
    input: floats(SMALL_INTS(18, 17), [1, 2, 3, 3]),
    forward: (x) => kernel('Conv2DBackpropInput', [x, constant(SMALL_INTS(54, 8, 2), [2, 3, 3, 3])], { inputShape: [1, 3, h, w], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 }),
  });
}
add({ kernel: 'MatMul', name: 'MatMul [3, 4] × constant [5, 4]ᵀ (Gemm)', input: floats(SMALL_INTS(12, 21), [3, 4]), forward: (x) => kernel('MatMul', [x, constant(SMALL_INTS(20, 22), [5, 4])], { transposeA: false, transposeB: true }) });
add({ kernel: 'MatMul', name: 'MatMul [4, 3]ᵀ × constant [4, 2] (Gemm)', input: floats(SMALL_INTS(12, 23), [4, 3]), forward: (x) => kernel('MatMul', [x, constant(SMALL_INTS(8, 24), [4, 2])], { transposeA: true, transposeB: false }) });
add({ kernel: 'MatMul', name: 'MatMul batched [2, 3, 4] × constant [4, 2]', input: floats(SMALL_INTS(24, 25), [2, 3, 4]), forward: (x) => kernel('MatMul', [x, constant(SMALL_INTS(8, 26), [4, 2])], { transposeA: false, transposeB: false }) });
add({ kernel: 'MatMul', name: 'MatMul batched, both operands computed, transposeA', input: floats(SMALL_INTS(24, 27), [2, 4, 3]), forward: (x) => kernel('MatMul', [x, x], { transposeA: true, transposeB: false }) });
const POOL_INPUT = floats([...SMALL_INTS(46, 31, 9), Infinity, -Infinity, -0, 0], [1, 2, 5, 5]);
const MAX_POOLS = [
  { what: 'kernel 2, stride 2', kernelSize: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceilMode: false },
  { what: 'kernel 2, pad 1, ceil mode', kernelSize: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceilMode: true },
  { what: 'kernel 2, stride 1, dilation 2', kernelSize: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [2, 2], ceilMode: false },
  { what: 'kernel 3, stride 2, pad 1, ceil mode', kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceilMode: true },
  { what: 'kernel 2, stride 2, dilation 2, pad 1, ceil mode', kernelSize: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [2, 2], ceilMode: true },
];
// MaxPool is onnxruntime's: it skips NaN where core's propagates it (the QCDQ pattern stays whole for
// integer MaxPool fusion), so the input has none.
for (const p of MAX_POOLS) add({ kernel: 'MaxPool2D', name: `MaxPool2D, ${p.what}`, input: POOL_INPUT, forward: (x) => kernel('MaxPool2D', [x], p) });
const AVG_POOLS = [
  { what: 'kernel 2, stride 2', kernelSize: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: false, divisorOverride: null },
  { what: 'kernel 3, stride 2, pad 1, count_include_pad', kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: false, countIncludePad: true, divisorOverride: null },
  { what: 'kernel 3, stride 2, pad 1', kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: false, countIncludePad: false, divisorOverride: null },
  { what: 'kernel 2, ceil mode', kernelSize: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceilMode: true, countIncludePad: false, divisorOverride: null },
  { what: 'kernel 2, pad 1, ceil mode', kernelSize: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null },
  { what: 'kernel 2, pad 1, ceil mode, count_include_pad', kernelSize: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true, divisorOverride: null },
  { what: 'kernel 3, stride 2, pad 1, ceil mode, count_include_pad', kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true, divisorOverride: null },
  { what: 'kernel 3, stride 2, pad 1, ceil mode', kernelSize: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null },
];
const AVG_POOL_INPUT = floats(SMALL_INTS(50, 33, 9), [1, 2, 5, 5]);
for (const p of AVG_POOLS) add({ kernel: 'AvgPool2D', name: `AvgPool2D, ${p.what}`, input: AVG_POOL_INPUT, forward: (x) => kernel('AvgPool2D', [x], p) });

// FakeQuantize becomes QuantizeLinear → (Clip) → DequantizeLinear. Integers have no NaN, and
// DequantizeLinear's 0 · scale is +0 where core keeps −0 for x in [−scale/2, 0): the input has
// neither. Ties (k + ½)·scale round half to even in both.
const QUANT_VALUES = [...Array.from({ length: 41 }, (_, i) => (i - 20) * 0.125 + 0.0625), 0, 1e3, -1e3, Infinity, -Infinity, 0.3, 0.7, 31.9, -31.9, ...spread(20, 41)]
  .filter((v) => !(v < 0 && v >= -0.125));
const FAKE_QUANTS = [
  { what: 'int8, scale 0.125', scale: [0.125], scaleShape: [], zeroPoint: [0], quantMin: -128, quantMax: 127 },
  { what: 'uint4, zero point 3, scale 0.1', scale: [0.1], scaleShape: [], zeroPoint: [3], quantMin: 0, quantMax: 15 },
  { what: 'narrow int3', scale: [0.5], scaleShape: [], zeroPoint: [0], quantMin: -3, quantMax: 3 },
];
for (const q of FAKE_QUANTS) {
  add({
    kernel: 'FakeQuantize',
    name: `FakeQuantize ${q.what}`,
    input: floats(QUANT_VALUES.filter((v) => !(v < 0 && v >= -q.scale[0]! / 2))),
    forward: (x) => kernel('FakeQuantize', [x, constant(q.scale, q.scaleShape), constant(q.zeroPoint, q.scaleShape)], { quantMin: q.quantMin, quantMax: q.quantMax }),
  });
}
add({
  kernel: 'FakeQuantize',
  name: 'FakeQuantize per channel, int8',
  input: floats(QUANT_VALUES.slice(0, 60).filter((v) => !(v < 0 && v >= -0.25)).slice(0, 48), [3, 16]),
  forward: (x) => kernel('FakeQuantize', [x, constant([0.125, 0.5, 0.25], [3, 1]), constant([0, 0, 0], [3, 1])], { quantMin: -128, quantMax: 127 }),
});

/** Lowerings without a case here, with the reason why: none at present. */
const UNTESTED: Readonly<Record<string, string>> = {};

// --- running ----------------------------------------------------------------------------------

interface Output {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

function tensorOf(input: Input): Tensor {
  return constant(input.values, input.shape, input.dtype);
}

function referenceOutput(c: LoweringCase, x: Tensor): Output {
  let out: Output | null = null;
  P.noGrad(() => P.tidy(() => {
    const y = c.forward(x);
    out = { dtype: y.dtype, shape: [...y.shape], values: y.dataSync() };
  }));
  return out as unknown as Output;
}

function ortInput(input: Input): ort.Tensor {
  const dims = [...input.shape];
  if (input.dtype === 'float32') return new ort.Tensor('float32', Float32Array.from(input.values), dims);
  if (input.dtype === 'int32') return new ort.Tensor('int32', Int32Array.from(input.values), dims);
  return new ort.Tensor('bool', Uint8Array.from(input.values), dims);
}

async function onnxruntimeOutput(bytes: Uint8Array, input: Input): Promise<Output> {
  ort.env.logLevel = 'error';
  if (ort.env.wasm) ort.env.wasm.numThreads = 1;
  // As OnnxModel runs an exported model.
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3, extra: { session: { disable_quant_qdq: '1' } } });
  try {
    const results = await session.run({ [session.inputNames[0] as string]: ortInput(input) });
    const t = results[session.outputNames[0] as string] as ort.Tensor;
    return { dtype: t.type, shape: [...t.dims], values: t.data as ArrayLike<number> };
  } finally {
    await session.release();
  }
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Distance in float32 ulps (of the larger magnitude) between two finite float32 values. */
function ulpDistance(a: number, b: number): number {
  const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.max(Math.abs(a), Math.abs(b)))), -126) - 23);
  return Math.abs(a - b) / ulp;
}

function differences(actual: ArrayLike<number>, expected: ArrayLike<number>, ulps: number | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Object.is(a, e)) continue;
    const within = ulps !== undefined && Number.isFinite(a) && Number.isFinite(e) && ulpDistance(a, e) <= ulps;
    if (!within) out.push(`[${i}] expected ${show(e)}, got ${show(a)}`);
  }
  return out;
}

describe('each kernel lowering computes what the reference backend computes', () => {
  for (const c of CASES) {
    for (const opsetVersion of c.opsets ?? [13]) {
      it(`${c.name}${c.opsets ? `, opset ${opsetVersion}` : ''}`, async () => {
        const x = tensorOf(c.input);
        try {
          const expected = referenceOutput(c, x);
          const bytes = await exportOnnxQcdq(new OneKernel(c.forward), x, { dynamicBatch: false, opsetVersion });
          // Debian's onnx 1.12 checker knows the operators up to opset 17 (ReduceMax's axes input is 18's).
          if (opsetVersion <= 17) checked(`${c.name}, opset ${opsetVersion}`, bytes);
          const actual = await onnxruntimeOutput(bytes, c.input);
          expect(actual.dtype, 'dtype').toBe(expected.dtype);
          expect(actual.shape, 'shape').toEqual(expected.shape);
          expect(differences(actual.values, expected.values, c.ulps), 'values').toEqual([]);
        } finally {
          x.dispose();
        }
      });
    }
  }

  checkerAcceptsEveryModel(it);

  it('the cases cover every lowering in the table', () => {
    const covered = new Set(CASES.map((c) => c.kernel));
    for (const name of Object.keys(UNTESTED)) expect(covered.has(name), `${name} is listed as untested but has a case`).toBe(false);
    expect([...covered, ...Object.keys(UNTESTED)].sort()).toEqual(Object.keys(kernelLowerings).sort());
  });
});
