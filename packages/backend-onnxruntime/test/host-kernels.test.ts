/**
 * The host kernels against core's executable definitions: the quickselect that moves values with
 * their indices must land on the same index as core's kthValueSelect (which permutes indices), for
 * every k, on runs full of ties and NaN, where the choice among equal values is torch's.
 */
import { describe, expect, it } from 'vitest';
import { kthValueSelect } from '@parvus/core';
import { quickselect } from '../src/execution/host-kernels.js';

function runs(): Array<Float32Array | Int32Array> {
  let s = 7;
  const next = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const out: Array<Float32Array | Int32Array> = [];
  for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 31, 64, 100, 257]) {
    out.push(Float32Array.from({ length: n }, () => Math.floor(next() * 4)));
    out.push(Float32Array.from({ length: n }, () => (next() < 0.15 ? NaN : next() < 0.1 ? -0 : Math.floor(next() * 6) - 3)));
    out.push(Float32Array.from({ length: n }, () => next() * 2 - 1));
    out.push(Int32Array.from({ length: n }, () => Math.floor(next() * 5)));
  }
  out.push(Float32Array.from({ length: 5000 }, () => Math.floor(next() * 16)));
  return out;
}

describe('host kernels', () => {
  it("KthValue's quickselect lands on core's kthValueSelect index for every k", () => {
    for (const run of runs()) {
      const n = run.length;
      const ks = n > 300 ? [0, 1, n >> 2, n >> 1, n - 2, n - 1] : Array.from({ length: n }, (_, k) => k);
      for (const k of ks) {
        const expected = kthValueSelect(run, Int32Array.from({ length: n }, (_, i) => i), k);
        const values = run.slice();
        const indices = Int32Array.from({ length: n }, (_, i) => i);
        expect(quickselect(values, indices, n, k), `n=${n} k=${k} of [${Array.from(run.slice(0, 12)).join(', ')}…]`).toBe(expected);
      }
    }
  });
});
