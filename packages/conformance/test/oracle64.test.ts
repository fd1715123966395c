// The oracle itself, against values computed by hand (and, where noted, by PyTorch's documented rules).
import { describe, expect, it } from 'vitest';
import * as o from '../src/oracle64/index.js';
import { Random } from '../src/random.js';

const a = (shape: number[], values: number[]): o.Array64 => o.array64(shape, values);
const list = (x: o.Array64): number[] => Array.from(x.data);

/** 3×3 input 1..9 and 2×2 kernel [[1, 2], [3, 4]] as [1, 1, h, w]. */
const X = a([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
const W = a([1, 1, 2, 2], [1, 2, 3, 4]);
const plain: o.ConvGeometry = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], groups: 1 };

describe('oracle64 elementwise', () => {
  it('rounds half to even, keeping the sign of zero', () => {
    const x = [0.5, 1.5, 2.5, -0.5, -2.5, -1.5, 3.5, 0.49999999999999994, -0.2, 2.7];
    const expected = [0, 2, 2, -0, -2, -2, 4, 0, -0, 3];
    x.forEach((v, i) => expect(Object.is(o.roundHalfEven(v), expected[i]), `round(${v})`).toBe(true));
  });

  it('gives sign, relu, maximum and clip torch semantics at -0 and NaN', () => {
    expect(Object.is(o.sign(-0), -0)).toBe(true);
    expect(o.sign(NaN)).toBeNaN();
    expect(o.sign(-3)).toBe(-1);
    expect(Object.is(o.relu(-0), -0)).toBe(true);
    expect(Object.is(o.relu(-2), 0)).toBe(true);
    expect(o.relu(NaN)).toBeNaN();
    expect(o.maximum(NaN, 1)).toBeNaN();
    expect(o.minimum(1, NaN)).toBeNaN();
    expect(o.clip(NaN, 0, 1)).toBeNaN();
    expect(o.clip(5, 0, 1)).toBe(1);
    expect(o.sigmoid(-1000)).toBe(0);
    expect(o.sigmoid(0)).toBe(0.5);
  });

  it('broadcasts [2, 1, 3] with [4, 1] to [2, 4, 3]', () => {
    const y = o.binary('Add', a([2, 1, 3], [0, 1, 2, 10, 11, 12]), a([4, 1], [100, 200, 300, 400]));
    expect(y.shape).toEqual([2, 4, 3]);
    expect(list(y).slice(0, 6)).toEqual([100, 101, 102, 200, 201, 202]);
    expect(list(y).slice(21)).toEqual([410, 411, 412]);
  });

  it('selects with where and casts toward zero', () => {
    expect(list(o.where(a([3], [1, 0, 1]), a([1], [7]), a([3], [1, 2, 3])))).toEqual([7, 2, 7]);
    expect(list(o.castToInt32(a([4], [-1.7, 1.7, -0.5, 2.5])))).toEqual([-1, 1, 0, 2]);
    expect(list(o.castToBool(a([3], [0, NaN, -0])))).toEqual([0, 1, 0]);
    expect(list(o.castToFloat32(a([2], [16777217, 16777219])))).toEqual([16777216, 16777220]);
  });
});

describe('oracle64 reductions', () => {
  const x = a([2, 3], [1, 5, 2, 4, 0, 6]);

  it('sums, maxes and mins over axes', () => {
    expect(list(o.sum(x, [1]))).toEqual([8, 10]);
    expect(o.sum(x, [0], true).shape).toEqual([1, 3]);
    expect(list(o.sum(x, [0, 1]))).toEqual([18]);
    expect(list(o.sum(x, []))).toEqual(list(x));
    expect(list(o.max(x, [0]))).toEqual([4, 5, 6]);
    expect(list(o.min(x, [1]))).toEqual([1, 0]);
    expect(list(o.max(a([3], [1, NaN, 2]), [0]))).toEqual([NaN]);
    expect(list(o.sum(a([2, 0], []), [1]))).toEqual([0, 0]);
  });

  it('takes the first maximum in argmax, and the first NaN', () => {
    expect(list(o.argmax(a([5], [1, 3, 3, 2, 0]), 0))).toEqual([1]);
    expect(list(o.argmax(a([4], [1, NaN, 9, NaN]), 0))).toEqual([1]);
    expect(list(o.argmax(x, 0))).toEqual([1, 0, 1]);
  });

  it('finds the k-th smallest with its index, NaN last', () => {
    const r = o.kthValue(a([2, 3], [3, 1, 2, 5, NaN, 4]), 1, 1);
    expect(list(r.values)).toEqual([1, 4]);
    expect(list(r.indices)).toEqual([1, 2]);
    const last = o.kthValue(a([2, 3], [3, 1, 2, 5, NaN, 4]), 3, 1);
    expect(list(last.values)).toEqual([3, NaN]);
    expect(list(last.indices)).toEqual([0, 1]);
    expect(o.kthValue(a([3, 2], [9, 8, 7, 6, 5, 4]), 2, 0, true).values.shape).toEqual([1, 2]);
  });

  it('computes softmax, logSoftmax and cross-entropy', () => {
    const p = o.softmax(a([1, 2], [0, Math.log(3)]), 1);
    expect(list(p)[0]).toBeCloseTo(0.25, 15);
    expect(list(p)[1]).toBeCloseTo(0.75, 15);
    expect(list(o.logSoftmax(a([1, 2], [0, 0]), 1))[0]).toBeCloseTo(-Math.LN2, 15);
    expect(o.crossEntropyIndices(a([1, 2], [0, Math.log(3)]), [1])).toBeCloseTo(-Math.log(0.75), 15);
  });
});

describe('oracle64 layout', () => {
  it('transposes, concatenates, slices and pads', () => {
    const x = a([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(list(o.transpose(x, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(list(o.concat([x, a([2, 1], [7, 8])], 1))).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(list(o.slice(x, [0, 1], [2, 2]))).toEqual([2, 3, 5, 6]);
    const padded = o.pad(a([1, 2], [1, 2]), [[1, 0], [0, 1]], -1);
    expect(padded.shape).toEqual([2, 3]);
    expect(list(padded)).toEqual([-1, -1, -1, 1, 2, -1]);
  });
});

describe('oracle64 matmul', () => {
  const A = a([2, 2], [1, 2, 3, 4]);
  const B = a([2, 2], [5, 6, 7, 8]);

  it('multiplies, with transposes', () => {
    expect(list(o.matmul(A, B))).toEqual([19, 22, 43, 50]);
    expect(list(o.matmul(A, B, true, false))).toEqual([26, 30, 38, 44]);
    expect(list(o.matmul(A, B, false, true))).toEqual([17, 23, 39, 53]);
    expect(list(o.matmul(A, B, true, true))).toEqual([23, 31, 34, 46]);
  });

  it('broadcasts batch dimensions', () => {
    const batched = o.matmul(a([2, 1, 1, 2], [1, 0, 0, 1]), a([3, 2, 1], [1, 2, 3, 4, 5, 6]));
    expect(batched.shape).toEqual([2, 3, 1, 1]);
    expect(list(batched)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(list(o.matmul(a([2, 0], []), a([0, 3], [])))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('oracle64 convolution', () => {
  it('convolves a 3×3 input with a 2×2 kernel', () => {
    expect(list(o.conv2d(X, W, plain))).toEqual([37, 47, 67, 77]);
  });

  it('pads, strides and dilates', () => {
    const y = o.conv2d(X, W, { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 });
    expect(list(y)).toEqual([4, 18, 36, 77]);
    expect(list(o.conv2d(X, W, { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [2, 2], groups: 1 }))).toEqual([64]);
  });

  it('groups channels', () => {
    const y = o.conv2d(a([1, 2, 1, 1], [2, 3]), a([2, 1, 1, 1], [10, 100]), { ...plain, groups: 2 });
    expect(list(y)).toEqual([20, 300]);
  });

  it('computes both backprops by hand', () => {
    const ones = a([1, 1, 2, 2], [1, 1, 1, 1]);
    expect(list(o.conv2dBackpropInput(ones, W, plain, [1, 1, 3, 3]))).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
    expect(list(o.conv2dBackpropFilter(X, ones, plain, [1, 1, 2, 2]))).toEqual([12, 16, 24, 28]);
  });

  it('has backprops that are the adjoints of the forward', () => {
    const random = new Random(7);
    const g: o.ConvGeometry = { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], groups: 2 };
    const x = a([2, 4, 7, 6], Array.from(random.floats(336)));
    const w = a([6, 2, 3, 2], Array.from(random.floats(72)));
    const y = o.conv2d(x, w, g);
    const dy = a([...y.shape], Array.from(random.floats(y.data.length)));
    const reference = o.dot(y, dy);
    expect(o.dot(x, o.conv2dBackpropInput(dy, w, g, x.shape))).toBeCloseTo(reference, 10);
    expect(o.dot(w, o.conv2dBackpropFilter(x, dy, g, w.shape))).toBeCloseTo(reference, 10);
  });
});

describe('oracle64 pooling', () => {
  const x = a([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i + 1));
  const g = (k: number, s: number, p: number, ceilMode = false): o.PoolGeometry => ({ kernelSize: [k, k], strides: [s, s], pads: [p, p, p, p], ceilMode });

  it('max-pools and routes the gradient to the maxima', () => {
    expect(list(o.maxPool2d(x, g(2, 2, 0)))).toEqual([6, 8, 14, 16]);
    const dx = o.maxPool2dGrad(a([1, 1, 2, 2], [1, 2, 3, 4]), x, g(2, 2, 0));
    expect(list(dx)).toEqual([0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);
    // ties: the first element of the window (row-major) wins
    const tied = o.maxPool2dGrad(a([1, 1, 1, 1], [5]), a([1, 1, 2, 2], [1, 1, 1, 1]), g(2, 2, 0));
    expect(list(tied)).toEqual([5, 0, 0, 0]);
    expect(list(o.maxPool2d(a([1, 1, 2, 2], [1, NaN, 3, 2]), g(2, 2, 0)))).toEqual([NaN]);
  });

  it('average-pools with and without the padding in the divisor', () => {
    expect(list(o.avgPool2d(x, g(2, 2, 0), { countIncludePad: true, divisorOverride: null }))).toEqual([3.5, 5.5, 11.5, 13.5]);
    const include = o.avgPool2d(x, g(3, 2, 1), { countIncludePad: true, divisorOverride: null });
    expect(list(include)).toEqual([14 / 9, 30 / 9, 57 / 9, 99 / 9]);
    const exclude = o.avgPool2d(x, g(3, 2, 1), { countIncludePad: false, divisorOverride: null });
    expect(list(exclude)).toEqual([14 / 4, 30 / 6, 57 / 6, 99 / 9]);
    expect(list(o.avgPool2d(x, g(3, 2, 1), { countIncludePad: true, divisorOverride: 2 }))).toEqual([7, 15, 28.5, 49.5]);
  });

  it('applies PyTorch ceil mode: clipped last windows and the dropped window rule', () => {
    const y = a([1, 1, 5, 5], Array.from({ length: 25 }, (_, i) => i));
    const ceil = o.avgPool2d(y, g(2, 2, 0, true), { countIncludePad: true, divisorOverride: null });
    expect(ceil.shape).toEqual([1, 1, 3, 3]);
    // the last column's windows hold one column only, and the divisor counts only that (PyTorch)
    expect(list(ceil)[2]).toBe((4 + 9) / 2);
    expect(list(ceil)[8]).toBe(24);
    expect(o.poolOutputLength(5, 2, 2, 1, 1, 1, true)).toBe(3);
    expect(o.poolOutputLength(6, 3, 2, 1, 1, 1, true)).toBe(4);
    expect(o.poolOutputLength(6, 3, 2, 0, 0, 1, false)).toBe(2);
    const dx = o.avgPool2dGrad(a([1, 1, 2, 2], [4, 4, 4, 4]), [1, 1, 4, 4], g(2, 2, 0), { countIncludePad: true, divisorOverride: null });
    expect(list(dx)).toEqual(new Array(16).fill(1));
  });
});

describe('oracle64 fake quantization', () => {
  const range = { quantMin: -128, quantMax: 127 };
  const s = a([], [0.25]);
  const zp = a([], [0]);

  it('rounds ties to even and saturates', () => {
    const x = a([6], [0.125, 0.375, -0.125, 100, -100, 0.3]);
    expect(list(o.fakeQuantizeFloat32(x, s, zp, range))).toEqual([0, 0.5, -0, 31.75, -32, 0.25]);
    expect(Object.is(list(o.fakeQuantizeFloat32(x, s, zp, range))[2], -0)).toBe(true);
  });

  it('applies per-channel scales and zero points', () => {
    const y = o.fakeQuantize64(a([2, 2], [1, 1, 1, 1]), a([2, 1], [0.5, 0.3]), a([2, 1], [0, 10]), { quantMin: 0, quantMax: 12 });
    // row 0: clamp(2, 0, 12) · 0.5 = 1; row 1: round(1/0.3 + 10) = 13 → 12 → (12 − 10) · 0.3 = 0.6
    expect(list(y)[0]).toBe(1);
    expect(list(y)[3]).toBeCloseTo(0.6, 15);
  });

  it('rounds to float32 after every step in the float32 form', () => {
    // 0.7f / 0.3f + 0 rounds to float32 before rounding to an integer; the result is a float32.
    const y = list(o.fakeQuantizeFloat32(a([1], [Math.fround(0.7)]), a([], [Math.fround(0.3)]), zp, range))[0] as number;
    expect(y).toBe(Math.fround(2 * Math.fround(0.3)));
  });

  it('gives the documented straight-through gradients', () => {
    expect(o.fakeQuantizeLocalGradients(0.3, 0.25, 0, range)).toEqual({ dx: 1, ds: 1 - 1.2, dzp: 0 });
    expect(o.fakeQuantizeLocalGradients(100, 0.25, 0, range)).toEqual({ dx: 0, ds: 127, dzp: -0.25 });
  });
});

describe('oracle64 finite differences', () => {
  it('recovers the derivative of a smooth function', () => {
    const x = a([3], [0.5, -1.25, 2]);
    const upstream = a([3], [1, 2, -1]);
    const g = o.numericalGradient(([t]) => o.map(t!, (v) => v * v * v), [x], upstream, 0);
    [0.5, -1.25, 2].forEach((v, i) => expect(g.data[i]).toBeCloseTo(3 * v * v * (upstream.data[i] as number), 8));
  });
});
