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

  it('casting to the same dtype stays on the autograd graph', () => {
    const w = P.parameter(P.tensor([1, 2]));
    P.tidy(() => P.cast(w, 'float32').mul(2).sum().backward());
    expect(values(w.grad as P.Tensor)).toEqual([2, 2]);
    w.dispose();
  });
});
