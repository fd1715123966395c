/**
 * The fused FakeQuantize and FakeQuantizeGrad on every path (SIMD loops on tfjs-wasm's heap, on a
 * private heap, tfjs-op composites) against float32 emulations of the contract's formulas, bit for
 * bit, on layouts that reach each branch: per tensor, per channel with long runs, per element,
 * ties, special values.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@parvus/core';
import type { TfjsBackendOptions } from '../src/index.js';
import { CONSERVATIVE_SEMANTICS, TfjsBackend, createTfjsBackend, probeSemantics, tfjsKernelConfigs } from '../src/index.js';

const fakeQuantize = tfjsKernelConfigs.find((c) => c.kernelName === 'FakeQuantize')!;
const fakeQuantizeGrad = tfjsKernelConfigs.find((c) => c.kernelName === 'FakeQuantizeGrad')!;
const fr = Math.fround;

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** x / s + zp → round half to even → clamp (torch.where order) → − zp → · s, every step in float32. */
function emulate(x: number, s: number, zp: number, lo: number, hi: number): number {
  const q = roundHalfEven(fr(fr(x / s) + zp));
  const l = q < lo ? lo : q;
  const c = hi < l ? hi : l;
  return fr(fr(c - zp) * s);
}

function broadcastIndex(flat: number, shape: readonly number[], paramShape: readonly number[]): number {
  const p = [...new Array<number>(shape.length - paramShape.length).fill(1), ...paramShape];
  let index = 0;
  let stride = 1;
  let rest = flat;
  const coords = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    coords[a] = rest % (shape[a] as number);
    rest = Math.floor(rest / (shape[a] as number));
  }
  for (let a = shape.length - 1; a >= 0; a--) {
    if (p[a] !== 1) index += (coords[a] as number) * stride;
    stride *= p[a] as number;
  }
  return index;
}

/** core's fakeQuantizeGradComposite, element by element: [dx, dScale, dZeroPoint]. */
function emulateGrad(g: number, x: number, s: number, zp: number, lo: number, hi: number, straightThrough: boolean): [number, number, number] {
  const scaled = fr(x / s);
  const r = roundHalfEven(fr(scaled + zp));
  const l = r < lo ? lo : r;
  const c = hi < l ? hi : l;
  if (straightThrough) return [fr(g * 1), fr(g * fr(fr(c - zp) - scaled)), 0];
  const m = r >= lo && r <= hi ? 1 : 0;
  return [fr(g * m), fr(g * fr(fr(c - zp) - fr(m * scaled))), fr(fr(g * s) * (m - 1))];
}

interface Case {
  name: string;
  shape: number[];
  scaleShape: number[];
  zeroPointShape: number[];
  range: [number, number];
  x: (i: number) => number;
  scale: (i: number) => number;
  zeroPoint: (i: number) => number;
}

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}

const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, -0.001, 0.001, -0.0101, 1e30, -1e30].map(fr);

const CASES: Case[] = [
  { name: 'int8 per tensor, 2^20 + 3 elements', shape: [(1 << 20) + 3], scaleShape: [], zeroPointShape: [], range: [-128, 127],
    x: (i) => (i < SPECIALS.length ? (SPECIALS[i] as number) : fr((random() - 0.5) * 8)), scale: () => fr(4 / 127), zeroPoint: () => 0 },
  { name: 'ties at a power-of-two scale', shape: [4099], scaleShape: [1], zeroPointShape: [1], range: [-128, 127],
    x: (i) => ((i % 512) - 256 + 0.5) * 0.25 * (i % 3 === 0 ? -1 : 1), scale: () => 0.25, zeroPoint: () => 0 },
  { name: 'uint8 with a zero point', shape: [3, 1000], scaleShape: [], zeroPointShape: [], range: [0, 255],
    x: () => fr((random() - 0.3) * 6), scale: () => fr(0.0173), zeroPoint: () => 128 },
  { name: 'per channel NCHW (runs of H·W)', shape: [2, 16, 7, 9], scaleShape: [1, 16, 1, 1], zeroPointShape: [1, 16, 1, 1], range: [0, 255],
    x: () => fr((random() - 0.5) * 4), scale: (c) => fr(0.005 + 0.003 * c), zeroPoint: (c) => (c * 17) % 256 },
  { name: 'per output channel OIHW weights', shape: [8, 3, 3, 3], scaleShape: [8, 1, 1, 1], zeroPointShape: [], range: [-7, 7],
    x: () => fr((random() - 0.5) * 2), scale: (o) => fr(0.05 + 0.02 * o), zeroPoint: () => 0 },
  { name: 'per element along the last axis', shape: [37, 24], scaleShape: [24], zeroPointShape: [24], range: [-128, 127],
    x: () => fr((random() - 0.5) * 4), scale: (j) => fr(0.01 + 0.001 * j), zeroPoint: (j) => j - 12 },
  { name: 'mixed broadcast', shape: [2, 3, 4, 5], scaleShape: [3, 1, 5], zeroPointShape: [4, 1], range: [-8, 7],
    x: () => fr((random() - 0.5) * 3), scale: (i) => fr(0.1 + 0.01 * i), zeroPoint: (i) => i - 2 },
  { name: 'empty', shape: [0, 3], scaleShape: [], zeroPointShape: [], range: [-128, 127],
    x: () => 0, scale: () => 0.1, zeroPoint: () => 0 },
];

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function run(backend: TfjsBackend, c: Case, x: Float32Array, s: Float32Array, z: Float32Array): Float32Array {
  const info = (values: Float32Array, shape: number[]): TensorInfo => ({ dataId: backend.write(values.slice(), shape, 'float32'), shape, dtype: 'float32' });
  const inputs = [info(x, c.shape), info(s, c.scaleShape), info(z, c.zeroPointShape)];
  const before = tf.memory().numTensors;
  const out = fakeQuantize.kernelFunc({ inputs, attrs: { quantMin: c.range[0], quantMax: c.range[1] } as never, backend }) as TensorInfo;
  expect(tf.memory().numTensors - before, 'only the output survives').toBe(1);
  const values = backend.readSync(out.dataId) as Float32Array;
  expect(out.shape).toEqual(c.shape);
  for (const i of [...inputs, out]) backend.disposeData(i.dataId);
  return values;
}

function runGrad(backend: TfjsBackend, c: Case, dy: Float32Array, x: Float32Array, s: Float32Array, z: Float32Array, straightThroughClamp: boolean): Float32Array[] {
  const info = (values: Float32Array, shape: number[]): TensorInfo => ({ dataId: backend.write(values.slice(), shape, 'float32'), shape, dtype: 'float32' });
  const inputs = [info(dy, c.shape), info(x, c.shape), info(s, c.scaleShape), info(z, c.zeroPointShape)];
  const before = tf.memory().numTensors;
  const attrs = { quantMin: c.range[0], quantMax: c.range[1], straightThroughClamp };
  const outs = fakeQuantizeGrad.kernelFunc({ inputs, attrs: attrs as never, backend }) as TensorInfo[];
  expect(tf.memory().numTensors - before, 'only the three outputs survive').toBe(3);
  const values = outs.map((o) => backend.readSync(o.dataId) as Float32Array);
  for (const i of [...inputs, ...outs]) backend.disposeData(i.dataId);
  return values;
}

function mismatches(actual: Float32Array, expected: ArrayLike<number>, x: Float32Array, limit = 5): string[] {
  const wrong: string[] = [];
  const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  for (let i = 0; i < expected.length && wrong.length < limit; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) wrong.push(`[${i}] x=${x[i]}: got ${show(a)}, expected ${show(e)}`);
  }
  return wrong;
}

async function backends(): Promise<Array<[string, TfjsBackend]>> {
  await createTfjsBackend('tfjs-wasm');
  const wasmSemantics = await probeSemantics();
  const make = (tfjsName: string, options: TfjsBackendOptions): TfjsBackend => new TfjsBackend(`test-${tfjsName}`, tfjsName, options);
  const list: Array<[string, TfjsBackend]> = [
    ['wasm, SIMD loop on the tfjs heap', make('wasm', { semantics: wasmSemantics, fakeQuantize: 'wasm-heap' })],
    ['wasm, SIMD loop on a private heap', make('wasm', { semantics: wasmSemantics, fakeQuantize: 'private-heap' })],
    ['wasm, tfjs-op composite (probed shortcuts)', make('wasm', { semantics: wasmSemantics, fakeQuantize: 'composite' })],
    ['wasm, tfjs-op composite (no shortcuts)', make('wasm', { semantics: CONSERVATIVE_SEMANTICS, fakeQuantize: 'composite' })],
  ];
  await createTfjsBackend('tfjs-cpu');
  const cpuSemantics = await probeSemantics();
  list.push(
    ['cpu, SIMD loop on a private heap', make('cpu', { semantics: cpuSemantics, fakeQuantize: 'auto' })],
    ['cpu, tfjs-op composite (probed shortcuts)', make('cpu', { semantics: cpuSemantics, fakeQuantize: 'composite' })],
  );
  return list;
}

describe('FakeQuantize and FakeQuantizeGrad on every path match the float32 emulations bit for bit', async () => {
  const paths = await backends();
  for (const c of CASES) {
    const n = size(c.shape);
    const x = Float32Array.from({ length: n }, (_, i) => c.x(i));
    const s = Float32Array.from({ length: size(c.scaleShape) }, (_, i) => c.scale(i));
    const z = Float32Array.from({ length: size(c.zeroPointShape) }, (_, i) => c.zeroPoint(i));
    const expected = Float32Array.from({ length: n }, (_, i) => emulate(
      x[i] as number, s[broadcastIndex(i, c.shape, c.scaleShape)] as number, z[broadcastIndex(i, c.shape, c.zeroPointShape)] as number, c.range[0], c.range[1],
    ));
    // Upstream gradients with both zeros, a NaN and an infinity among random values.
    const dy = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? -0 : i % 101 === 0 ? 0 : i === 7 ? NaN : i === 8 ? -Infinity : fr(random() * 2 - 1)));
    for (const [path, backend] of paths) {
      it(`${c.name}: ${path}`, () => {
        backend.activate();
        expect(mismatches(run(backend, c, x, s, z), expected, x)).toEqual([]);
      });
      for (const straightThrough of [false, true]) {
        it(`${c.name}: gradient${straightThrough ? ' (straight-through clamp)' : ''}, ${path}`, () => {
          backend.activate();
          const parts = runGrad(backend, c, dy, x, s, z, straightThrough);
          const want = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
          for (let i = 0; i < n; i++) {
            const sv = s[broadcastIndex(i, c.shape, c.scaleShape)] as number;
            const zv = z[broadcastIndex(i, c.shape, c.zeroPointShape)] as number;
            const e = emulateGrad(dy[i] as number, x[i] as number, sv, zv, c.range[0], c.range[1], straightThrough);
            for (let k = 0; k < 3; k++) (want[k] as Float64Array)[i] = e[k] as number;
          }
          ['dx', 'dScale', 'dZeroPoint'].forEach((what, k) => {
            expect(mismatches(parts[k] as Float32Array, want[k] as Float64Array, x), what).toEqual([]);
          });
        });
      }
    }
  }
});
