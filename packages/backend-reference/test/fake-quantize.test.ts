// FakeQuantize and FakeQuantizeGrad through both implementations (WebAssembly SIMD and the
// JavaScript loops), each bit for bit against core's composites and against each other: random
// data, exact ties, clamped codes, NaN/±Inf/±0, zero and nonzero zero points, signed, unsigned and
// narrow ranges, per-channel layouts, every length 0..17 (the SIMD tails) and runs that straddle
// the wasm staging chunks. "Bit for bit" is Object.is: the sign of zero counts, NaN payloads not.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@parvus/core';
import * as P from '@parvus/core';
import '../src/index.js';
import type { ElementwiseImplementation } from '../src/impl/elementwise.js';
import { elementwiseImplementation, setElementwiseImplementation } from '../src/impl/elementwise.js';
import { wasmFakeQuantizeAvailable } from '../src/impl/fake-quantize-wasm.js';

const implementations: ElementwiseImplementation[] = wasmFakeQuantizeAvailable() ? ['js', 'wasm'] : ['js'];
const initial = elementwiseImplementation();

beforeAll(async () => {
  await P.setBackend('reference');
});
afterEach(() => setElementwiseImplementation(initial));

/** A seeded uniform generator in [0, 1) (xorshift32), so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e38, -3e38];

/**
 * Inputs that hit every branch for codes in [quantMin, quantMax] at scale `s` and zero point `zp`:
 * uniform values a third beyond the range on both sides, exact ties (x/s + zp = k + ½ when s is a
 * power of two), small values around zero of both signs, and the special values.
 */
function inputs(n: number, s: number, zp: number, quantMin: number, quantMax: number, next: () => number): Float32Array {
  const x = new Float32Array(n);
  const span = quantMax - quantMin + 1;
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u < 0.55) {
      x[i] = (quantMin - zp - span / 3 + next() * (span * 5) / 3) * s;
    } else if (u < 0.75) {
      x[i] = (Math.floor(quantMin - zp - 2 + next() * (span + 4)) + 0.5) * s;
    } else if (u < 0.9) {
      x[i] = (next() - 0.5) * s * (next() < 0.5 ? 1 : 0.001);
    } else {
      x[i] = SPECIAL[Math.floor(next() * SPECIAL.length)] as number;
    }
  }
  return x;
}

/** Upstream gradients: mostly ordinary, both signs, with zeros, NaN and infinities mixed in. */
function upstream(n: number, next: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => (next() < 0.9 ? next() * 4 - 2 : (SPECIAL[Math.floor(next() * 5)] as number)));
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] got ${Object.is(got[i], -0) ? '-0' : String(got[i])}, want ${Object.is(want[i], -0) ? '-0' : String(want[i])}`);
    }
  }
  expect(count === 0 ? '' : `${count} of ${want.length} differ: ${bad.join('; ')}`, what).toBe('');
}

interface Layout {
  shape: number[];
  scaleShape: number[];
  zeroPointShape: number[];
}

interface Case extends Layout {
  x: Float32Array;
  scale: Float32Array;
  zeroPoint: Float32Array;
  quantMin: number;
  quantMax: number;
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** A case on `layout`: per-element scales from `scales`, zero points from `zeroPoints`, cycled. */
function makeCase(layout: Layout, scales: number[], zeroPoints: number[], quantMin: number, quantMax: number, seed: number): Case {
  const next = random(seed);
  const scale = Float32Array.from({ length: size(layout.scaleShape) }, (_, i) => scales[i % scales.length] as number);
  const zeroPoint = Float32Array.from({ length: size(layout.zeroPointShape) }, (_, i) => zeroPoints[i % zeroPoints.length] as number);
  // Inputs for the first scale and zero point; the others see them at their own scale.
  const x = inputs(size(layout.shape), scale[0] as number, zeroPoint[0] as number, quantMin, quantMax, next);
  return { ...layout, x, scale, zeroPoint, quantMin, quantMax };
}

function tensors(c: Case): [Tensor, Tensor, Tensor] {
  return [P.tensor(c.x, c.shape), P.tensor(c.scale, c.scaleShape), P.tensor(c.zeroPoint, c.zeroPointShape)];
}

/** The fused kernel under `which` and the composite, as arrays. */
function forward(c: Case, which: ElementwiseImplementation): { fused: Float32Array; composite: Float32Array } {
  setElementwiseImplementation(which);
  return P.tidy(() => {
    const [x, s, zp] = tensors(c);
    const fused = P.engine().runKernel(P.FakeQuantize, [x, s, zp], { quantMin: c.quantMin, quantMax: c.quantMax });
    const composite = P.fakeQuantizeComposite(x, s, zp, c.quantMin, c.quantMax);
    return { fused: fused.dataSync() as Float32Array, composite: composite.dataSync() as Float32Array };
  });
}

/** The fused gradient kernel under `which` and the composite, parts [dx, dScale, dZeroPoint]. */
function backward(c: Case, dy: Float32Array, straightThroughClamp: boolean, which: ElementwiseImplementation): { fused: Float32Array[]; composite: Float32Array[] } {
  setElementwiseImplementation(which);
  return P.tidy(() => {
    const [x, s, zp] = tensors(c);
    const g = P.tensor(dy, c.shape);
    const fused = P.engine().runKernelMulti(P.FakeQuantizeGrad, [g, x, s, zp], { quantMin: c.quantMin, quantMax: c.quantMax, straightThroughClamp });
    const composite = P.fakeQuantizeGradComposite(g, x, s, zp, c.quantMin, c.quantMax, straightThroughClamp);
    return { fused: fused.map((t) => t.dataSync() as Float32Array), composite: composite.map((t) => t.dataSync() as Float32Array) };
  });
}

/** Both implementations against the composite and each other, forward and both gradients. */
function checkCase(c: Case, what: string, seed: number): void {
  const results = implementations.map((which) => forward(c, which));
  results.forEach((r, i) => expectSame(r.fused, r.composite, `FakeQuantize (${implementations[i] as string}) vs composite, ${what}`));
  if (results.length === 2) expectSame((results[1] as typeof results[0]).fused, (results[0] as typeof results[0]).fused, `FakeQuantize wasm vs js, ${what}`);
  const dy = upstream(c.x.length, random(seed + 1));
  for (const straightThroughClamp of [false, true]) {
    const grads = implementations.map((which) => backward(c, dy, straightThroughClamp, which));
    const clamp = straightThroughClamp ? 'straight-through' : 'zero-gradient';
    ['dx', 'dScale', 'dZeroPoint'].forEach((part, p) => {
      grads.forEach((r, i) => expectSame(r.fused[p] as Float32Array, r.composite[p] as Float32Array, `FakeQuantizeGrad ${part} (${implementations[i] as string}, ${clamp}) vs composite, ${what}`));
      if (grads.length === 2) {
        expectSame((grads[1] as typeof grads[0]).fused[p] as Float32Array, (grads[0] as typeof grads[0]).fused[p] as Float32Array, `FakeQuantizeGrad ${part} wasm vs js (${clamp}), ${what}`);
      }
    });
  }
}

/** [quantMin, quantMax] with the zero points tried on it. */
const RANGES: Array<{ name: string; quantMin: number; quantMax: number; zeroPoints: number[] }> = [
  { name: 'int8', quantMin: -128, quantMax: 127, zeroPoints: [0, -0, 3] },
  { name: 'int8 narrow', quantMin: -127, quantMax: 127, zeroPoints: [0] },
  { name: 'uint8', quantMin: 0, quantMax: 255, zeroPoints: [0, 128, 37] },
  { name: 'int4', quantMin: -8, quantMax: 7, zeroPoints: [0, -2] },
  { name: 'int4 narrow', quantMin: -7, quantMax: 7, zeroPoints: [0, 2.5] },
  { name: 'uint4', quantMin: 0, quantMax: 15, zeroPoints: [0, 9] },
  { name: 'binary', quantMin: -1, quantMax: 0, zeroPoints: [0] },
  { name: 'positive codes', quantMin: 1, quantMax: 5, zeroPoints: [0, 3] },
  { name: 'negative codes', quantMin: -5, quantMax: -1, zeroPoints: [0] },
];

/** Scales: powers of two (exact ties) and ordinary ones. */
const SCALES = [0.25, 2 ** -7, 0.0173, 0.3];

describe('fake quantization, per tensor', () => {
  it('every range, zero point and scale, at lengths 0..17 (SIMD tails)', () => {
    let seed = 1;
    for (const range of RANGES) {
      for (const zp of range.zeroPoints) {
        for (const s of SCALES) {
          for (let n = 0; n <= 17; n++) {
            const c = makeCase({ shape: [n], scaleShape: [], zeroPointShape: [] }, [s], [zp], range.quantMin, range.quantMax, seed++);
            checkCase(c, `${range.name}, zp ${Object.is(zp, -0) ? '-0' : zp}, s ${s}, n ${n}`, seed);
          }
        }
      }
    }
  });

  it('large tensors across the wasm staging chunks (odd lengths, 2-D)', () => {
    for (const [shape, quantMin, quantMax, zp] of [[[100_003], -128, 127, 0], [[3, 40_001], 0, 255, 17], [[16_384], -8, 7, 0]] as const) {
      const c = makeCase({ shape: [...shape], scaleShape: [1], zeroPointShape: [1, 1].slice(0, shape.length) }, [0.021], [zp], quantMin, quantMax, 99);
      checkCase(c, `[${shape.join(', ')}] in [${quantMin}, ${quantMax}], zp ${zp}`, 100);
    }
  });

  it('written-out values: ties to even, saturation, special values and signs of zero', () => {
    const x = Float32Array.from([0.125, 0.375, 0.625, -0.125, -0.375, -0.625, 100, -100, NaN, Infinity, -Infinity, -0, 0, -0.001, 0.001]);
    const want = [0, 0.5, 0.5, -0, -0.5, -0.5, 31.75, -32, NaN, 31.75, -32, 0, 0, -0, 0];
    for (const which of implementations) {
      const c: Case = { shape: [x.length], scaleShape: [], zeroPointShape: [], x, scale: Float32Array.of(0.25), zeroPoint: Float32Array.of(0), quantMin: -128, quantMax: 127 };
      expectSame(forward(c, which).fused, want, `written-out values (${which})`);
    }
  });

  it('degenerate scales: 0, negative, infinite, NaN, subnormal', () => {
    let seed = 500;
    for (const s of [0, -0, -0.25, -0.0173, Infinity, NaN, 1e-40]) {
      for (const [quantMin, quantMax, zp] of [[-128, 127, 0], [0, 15, 3]] as const) {
        const c = makeCase({ shape: [23], scaleShape: [], zeroPointShape: [] }, [s], [zp], quantMin, quantMax, seed++);
        c.x = c.x.map((v, i) => (i % 2 ? v : (i - 11) * 0.37));
        checkCase(c, `scale ${Object.is(s, -0) ? '-0' : s}, [${quantMin}, ${quantMax}], zp ${zp}`, seed);
      }
    }
  });

  it('a 32-bit range (beyond float32 integers) stays in JavaScript and matches the composite', () => {
    const c = makeCase({ shape: [37], scaleShape: [], zeroPointShape: [] }, [0.5], [0], -(2 ** 31), 2 ** 31 - 1, 7);
    c.x = c.x.map((v) => (Number.isFinite(v) ? v : 0));
    for (const which of implementations) {
      const r = forward(c, which);
      expectSame(r.fused, r.composite, `32-bit range (${which})`);
    }
  });
});

describe('fake quantization, per channel', () => {
  const layouts: Array<[string, Layout]> = [
    ['activation channels [1, C, 1, 1] over [N, C, H, W]', { shape: [2, 3, 5, 7], scaleShape: [1, 3, 1, 1], zeroPointShape: [1, 3, 1, 1] }],
    ['weight channels [C, 1, 1, 1], scalar zero point', { shape: [6, 2, 5, 5], scaleShape: [6, 1, 1, 1], zeroPointShape: [] }],
    ['rows [R, 1] of a matrix, runs of 1..17', { shape: [17, 13], scaleShape: [17, 1], zeroPointShape: [1] }],
    ['last axis [C] over [N, C] (runs of one element)', { shape: [9, 6], scaleShape: [6], zeroPointShape: [6] }],
    ['scale per row, zero point per column', { shape: [5, 4], scaleShape: [5, 1], zeroPointShape: [1, 4] }],
    ['scalar scale, zero point per channel', { shape: [2, 4, 3, 3], scaleShape: [], zeroPointShape: [4, 1, 1] }],
    ['runs of 1000 straddling the staging chunks', { shape: [3, 7, 1000], scaleShape: [1, 7, 1], zeroPointShape: [1, 7, 1] }],
    ['empty', { shape: [0, 3, 4], scaleShape: [1, 3, 1], zeroPointShape: [1, 3, 1] }],
  ];
  for (const [i, [name, layout]] of layouts.entries()) {
    it(name, () => {
      for (const range of [RANGES[0], RANGES[2], RANGES[4], RANGES[5]]) {
        if (!range) continue;
        const c = makeCase(layout, [0.25, 0.0173, 2 ** -5, 0.11, 0.5, 0.031], range.zeroPoints, range.quantMin, range.quantMax, 1000 + i);
        checkCase(c, `${range.name}, ${name}`, 2000 + i);
      }
    });
  }

  // Runs whose length is 1..17 (tails of every size), one scale per run.
  it('runs of every length 1..17', () => {
    for (let length = 1; length <= 17; length++) {
      const c = makeCase({ shape: [2, 3, length], scaleShape: [3, 1], zeroPointShape: [3, 1] }, [0.25, 0.07, 2 ** -6], [0, 5, -3], -8, 7, 3000 + length);
      checkCase(c, `runs of ${length}`, 4000 + length);
    }
  });
});

describe('the elementwise implementation switch', () => {
  it('defaults to wasm here (Node 20 has WebAssembly SIMD) unless PARVUS_REFERENCE_ELEMENTWISE=js', () => {
    expect(wasmFakeQuantizeAvailable()).toBe(true);
    expect(initial).toBe(process.env.PARVUS_REFERENCE_ELEMENTWISE === 'js' ? 'js' : 'wasm');
    setElementwiseImplementation('js');
    expect(elementwiseImplementation()).toBe('js');
    setElementwiseImplementation('wasm');
    expect(elementwiseImplementation()).toBe('wasm');
  });
});
