// exp and sigmoid against torch 1.13's own outputs (fixtures/torch_exp.py), compared as bits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { torchExp, torchSigmoid } from '../src/impl/torch-exp.js';

interface Case { x: number[]; exp: number[]; sigmoid: number[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch_exp.json', import.meta.url), 'utf8')) as { cases: Case[] };
const floats = (bits: number[]): Float32Array => new Float32Array(Int32Array.from(bits).buffer);

/** Indices where two float32 arrays differ as bit patterns (so −0 ≠ +0, NaN = NaN). */
function differing(actual: Float32Array, expected: Float32Array): number[] {
  const a = new Int32Array(actual.buffer);
  const b = new Int32Array(expected.buffer);
  const nan = (v: number) => Number.isNaN(v);
  return [...a.keys()].filter((i) => a[i] !== b[i] && !(nan(actual[i]!) && nan(expected[i]!)));
}

describe('torch-exact exp and sigmoid', () => {
  it.each(fixture.cases.map((c, i) => [i, c.x.length, c] as const))('case %i (%i elements)', (_i, _n, c) => {
    const x = floats(c.x);
    const exp = new Float32Array(x.length);
    const sigmoid = new Float32Array(x.length);
    torchExp(x, exp);
    torchSigmoid(x, sigmoid);
    expect(differing(exp, floats(c.exp)), 'exp: indices that differ from torch').toEqual([]);
    expect(differing(sigmoid, floats(c.sigmoid)), 'sigmoid: indices that differ from torch').toEqual([]);
  });

  it('differs from a correctly rounded exp, so the fixture can tell them apart', () => {
    const x = floats(fixture.cases.find((c) => c.x.length === 300)!.x);
    const rounded = x.map((v) => Math.exp(v));
    const exp = new Float32Array(x.length);
    torchExp(x, exp);
    expect(differing(exp, rounded).length).toBeGreaterThan(0);
  });
});
