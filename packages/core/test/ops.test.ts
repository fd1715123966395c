import { describe, expect, it } from 'vitest';
import * as P from '@parvus/core';
import '@parvus/backend-reference';

const values = (t: P.Tensor): number[] => Array.from(t.dataSync());

describe('type promotion follows PyTorch (weak scalars)', () => {
  it('an integer scalar with a bool tensor computes in int32', () => {
    const b = P.tensor([true, false]);
    const sum = P.add(b, 2);
    expect(sum.dtype).toBe('int32');
    expect(values(sum)).toEqual([3, 2]);
    expect(P.equal(b, 2).arraySync()).toEqual([false, false]);
  });

  it('a fractional scalar with an int32 tensor computes in float32; an integer one stays int32', () => {
    const i = P.tensor(new Int32Array([1, 2]));
    expect(P.add(i, 0.5).dtype).toBe('float32');
    expect(values(P.add(i, 0.5))).toEqual([1.5, 2.5]);
    expect(P.mul(i, 3).dtype).toBe('int32');
  });

  it('refuses an integer scalar that does not fit in int32', () => {
    expect(() => P.add(P.tensor(new Int32Array([1])), 3e9)).toThrow(/does not fit in int32/);
  });
});

describe('shape ops copy values exactly', () => {
  it('broadcastTo keeps −0 and bool', () => {
    const z = P.broadcastTo(P.tensor(Float32Array.of(-0)), [2]);
    expect(values(z).map((v) => Object.is(v, -0))).toEqual([true, true]);
    const b = P.broadcastTo(P.tensor([true]), [2, 2]);
    expect(b.dtype).toBe('bool');
    expect(b.arraySync()).toEqual([[true, true], [true, true]]);
  });

  it('broadcastTo passes gradients back summed', () => {
    const w = P.parameter(P.tensor([[1], [2]]));
    P.tidy(() => P.broadcastTo(w, [2, 3]).sum().backward());
    expect(values(w.grad as P.Tensor)).toEqual([3, 3]);
    w.dispose();
  });

  it('kthValue of a scalar is the scalar', () => {
    const { values: v, indices } = P.kthValue(P.scalar(3), 1);
    expect(v.shape).toEqual([]);
    expect(v.item()).toBe(3);
    expect(indices.item()).toBe(0);
  });

  it('kthValue of a scalar passes the gradient back, as the rank-1 case does', () => {
    const s = P.parameter(P.scalar(3));
    const v = P.parameter(P.tensor([3]));
    P.tidy(() => {
      P.kthValue(s, 1).values.mul(5).backward();
      P.kthValue(v, 1).values.mul(5).backward();
    });
    expect((s.grad as P.Tensor).shape).toEqual([]);
    expect((s.grad as P.Tensor).item()).toBe(5);
    expect(values(v.grad as P.Tensor)).toEqual([5]);
    s.dispose();
    v.dispose();
  });

  it('casting to the same dtype stays on the autograd graph', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => P.cast(w, 'float32').mul(2).sum().backward());
    expect(values(w.grad as P.Tensor)).toEqual([2, 2]);
    w.dispose();
  });
});

describe('interpolate gathers rows and columns exactly', () => {
  // Nearest with a non-integer factor is a pure gather (output d takes input ⌊d · scale⌋), cut
  // into periodic slices: values are copies, and with integer upstream gradients the sums per
  // input element are exact, whatever the order of the additions.
  it.each([
    [16, { scaleFactor: 1.5 }],
    [16, { scaleFactor: 0.5 }],
    [10, { scaleFactor: 2.5 }],
    [16, { size: 24 }],
    [9, { size: 4 }],
  ] as const)('nearest from %i with %j', (inSize, options) => {
    const n = inSize * inSize;
    const x = P.parameter(P.tensor(Float32Array.from({ length: n }, (_, i) => i), [1, 1, inSize, inSize]));
    const y = P.interpolate(x, { ...options, mode: 'nearest' });
    const outSize = y.shape[2] as number;
    const scale = 'size' in options ? inSize / outSize : 1 / options.scaleFactor;
    const source = (d: number): number => Math.min(Math.floor(d * scale), inSize - 1);
    const upstream = Float32Array.from({ length: outSize * outSize }, (_, i) => (i % 7) - 3);
    const expected: number[] = [];
    const grad = new Array<number>(n).fill(0);
    for (let r = 0; r < outSize; r++) {
      for (let c = 0; c < outSize; c++) {
        const i = source(r) * inSize + source(c);
        expected.push(i);
        grad[i] = (grad[i] as number) + (upstream[r * outSize + c] as number);
      }
    }
    expect(values(y)).toEqual(expected);
    const dy = P.tensor(upstream, y.shape);
    y.backward(dy);
    expect(values(x.grad as P.Tensor)).toEqual(grad);
    [x, y, dy].forEach((t) => t.dispose());
  });
});
