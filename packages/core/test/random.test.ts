// core's Generator against torch 1.13's CPU generator (vendored Brevitas fixture rng.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from '@parvus/core';

interface RngCase {
  name: string;
  code: string;
  output?: { shape: number[]; data: number[] };
  weight?: { shape: number[]; data: number[] };
  bias?: { shape: number[]; data: number[] };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../conformance/fixtures/brevitas/rng.json', import.meta.url), 'utf8'),
) as { cases: RngCase[] };
const byName = new Map(fixture.cases.map((c) => [c.name, c]));
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function expectFloat32Equal(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  // Values are stored as float32 reprs: Math.fround recovers the exact float32.
  const want = Float32Array.from(expected, (v) => Math.fround(v));
  let maxUlps = 0;
  for (let i = 0; i < want.length; i++) {
    const a = actual[i] as number;
    const b = want[i] as number;
    const ulp = Math.max(Math.abs(b) * 2 ** -23, 2 ** -149);
    maxUlps = Math.max(maxUlps, Math.abs(a - b) / ulp);
  }
  // torch's vectorised randn takes log/sin/cos from SLEEF's float32 functions (1-ulp accurate);
  // here they are float64 rounded to float32, so single values may differ by one float32 ulp.
  expect(maxUlps).toBeLessThanOrEqual(1);
}

describe('Generator reproduces torch.manual_seed streams', () => {
  it('rand(3, 3) from seed 0 is bit-exact', () => {
    const c = byName.get('rand_3x3_seed0') as RngCase;
    const out = new Generator(0).fillUniform(new Float32Array(9));
    expect(Array.from(out)).toEqual(c.output?.data.map((v) => Math.fround(v)));
  });

  it('randn(1, 2, 5, 5) from seed 0 (vectorised Box–Muller path)', () => {
    const c = byName.get('randn_1x2x5x5_seed0') as RngCase;
    const out = new Generator(0).fillNormal(new Float32Array(size(c.output?.shape ?? [])));
    expectFloat32Equal(out, c.output?.data ?? []);
  });

  it('randn(10) then rand(10) from seed 0 (scalar Box–Muller path, then uniform)', () => {
    const c = byName.get('randn10_then_rand10_seed0') as RngCase & { randn?: { data: number[] }; rand?: { data: number[] } };
    const g = new Generator(0);
    const normals = g.fillNormal(new Float32Array(10));
    const uniforms = g.fillUniform(new Float32Array(10));
    const flat = c.output?.data ?? [...(c.randn?.data ?? []), ...(c.rand?.data ?? [])];
    expectFloat32Equal(Float32Array.from([...normals, ...uniforms]), flat);
  });
});
