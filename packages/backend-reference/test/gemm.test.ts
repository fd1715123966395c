// gemm, and the convolutions built on it, through both implementations (WebAssembly SIMD with
// float32 accumulation, JavaScript with float64 accumulation) against float64 oracles: edge
// shapes, strides, offsets, accumulation, and LeNet-5's convolutions at full size.
//
// Tolerance, as the conformance suite's accumulation tolerance: |got − exact| ≤ 4·eps·(√K + 1)·Σ|a·b|
// with eps = 2^-23, Σ|a·b| the magnitude of the terms. Each implementation meets it alone; the two
// are compared with each other only through it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conv2DGeometry } from '@parvus/core';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward, convOutputShape, convPlan } from '../src/impl/conv.js';
import type { GemmImplementation, MatrixView } from '../src/impl/gemm.js';
import { gemm, gemmImplementation, gemmScratch, setGemmImplementation, view } from '../src/impl/gemm.js';
import { wasmGemmAvailable } from '../src/impl/gemm-wasm.js';

const EPS = 2 ** -23;

/** A seeded uniform generator in [-1, 1) (xorshift32), so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

function filled(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, next);
}

interface Case {
  M: number;
  N: number;
  K: number;
  transposeA?: boolean;
  transposeB?: boolean;
  accumulate?: boolean;
  /** Elements before each operand and before C's slice. */
  pad?: number;
}

/** Run one case through the selected implementation; check against the float64 oracle. */
function check(c: Case, seed: number, inScratch = false): Float32Array {
  const { M, N, K, transposeA = false, transposeB = false, accumulate = false, pad = 0 } = c;
  const next = random(seed);
  const aData = filled(pad + M * K + 3, next);
  const bData = filled(pad + K * N + 3, next);
  const cData = filled(pad + M * N + 5, next);
  const before = cData.slice();
  const A = view(aData, pad, transposeA ? K : M, transposeA ? M : K, transposeA);
  const B = view(bData, pad, transposeB ? N : K, transposeB ? K : N, transposeB);
  let C = cData;
  let cOffset = pad;
  let operands: [MatrixView, MatrixView] = [A, B];
  if (inScratch) {
    // Operands laid out in gemm's scratch array, read in place.
    const s = gemmScratch(aData.length + bData.length + cData.length);
    s.set(aData, 0);
    s.set(bData, aData.length);
    s.set(cData, aData.length + bData.length);
    operands = [{ ...A, data: s }, { ...B, data: s, offset: B.offset + aData.length }];
    C = s;
    cOffset = pad + aData.length + bData.length;
  }
  gemm(M, N, K, operands[0], operands[1], C, cOffset, accumulate);
  const out = C.slice(cOffset, cOffset + M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let exact = accumulate ? (before[pad + i * N + j] as number) : 0;
      let magnitude = Math.abs(exact);
      for (let k = 0; k < K; k++) {
        const term = (aData[A.offset + i * A.rowStride + k * A.colStride] as number) * (bData[B.offset + k * B.rowStride + j * B.colStride] as number);
        exact += term;
        magnitude += Math.abs(term);
      }
      const got = out[i * N + j] as number;
      const bound = 4 * EPS * (Math.sqrt(K) + 1) * magnitude;
      if (!(Math.abs(got - exact) <= bound)) {
        expect.fail(`C[${i}][${j}] = ${got}, expected ${exact} ± ${bound} (${JSON.stringify(c)})`);
      }
    }
  }
  if (!inScratch) {
    // Nothing outside C's slice is touched.
    for (let i = 0; i < pad; i++) expect(cData[i]).toBe(before[i]);
    for (let i = pad + M * N; i < cData.length; i++) expect(cData[i]).toBe(before[i]);
  }
  return out;
}

const EDGE = [0, 1, 3, 5, 17];
const edgeCases: Case[] = [];
for (const M of EDGE) for (const N of EDGE) for (const K of EDGE) edgeCases.push({ M, N, K });

/** Shapes that reach each path of the wasm kernel: tiles, panels, blocks and tails. */
const shapeCases: Case[] = [
  { M: 6, N: 576, K: 25 }, // LeNet conv1 per image (outer products, B in place)
  { M: 16, N: 64, K: 150 }, // LeNet conv2 per image
  { M: 6, N: 25, K: 576, transposeB: true }, // conv1 filter gradient (dot products)
  { M: 150, N: 64, K: 16, transposeA: true }, // conv2 input gradient (A packed from a transposed view)
  { M: 64, N: 120, K: 256, transposeB: true }, // linear forward
  { M: 120, N: 256, K: 64, transposeA: true }, // linear weight gradient
  { M: 64, N: 256, K: 120 }, // linear input gradient
  { M: 33, N: 70, K: 300 }, // K across two packed blocks, B packed
  { M: 130, N: 9, K: 20 }, // M across two blocks of rows
  { M: 5, N: 1030, K: 7 }, // N across two blocks of columns
  { M: 7, N: 11, K: 515, transposeB: true }, // dot products across two K blocks, a tail of 3
  { M: 3, N: 5, K: 513, transposeB: true }, // a last K block of one value
  { M: 9, N: 13, K: 1027, transposeA: true, transposeB: true }, // gather-packed B
  { M: 20, N: 23, K: 19, transposeB: true, accumulate: true, pad: 7 },
  { M: 18, N: 31, K: 40, accumulate: true, pad: 5 },
  { M: 1, N: 1, K: 4096, transposeB: true },
];

const implementations: GemmImplementation[] = wasmGemmAvailable() ? ['js', 'wasm'] : ['js'];
const initial = gemmImplementation();
afterEach(() => setGemmImplementation(initial));

describe.each(implementations)('gemm (%s)', (which) => {
  it('edge shapes: M, N, K in {0, 1, 3, 5, 17}, every transpose, with and without accumulate, at offsets', () => {
    setGemmImplementation(which);
    let seed = 1;
    for (const c of edgeCases) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          for (const accumulate of [false, true]) check({ ...c, transposeA, transposeB, accumulate, pad: 3 }, seed++);
        }
      }
    }
  });

  it.each(shapeCases.map((c) => [JSON.stringify(c), c] as const))('%s', (_name, c) => {
    setGemmImplementation(which);
    check(c, 42);
  });

  it('operands already in the scratch array', () => {
    setGemmImplementation(which);
    check({ M: 6, N: 64, K: 25 }, 3, true);
    check({ M: 17, N: 5, K: 33, transposeB: true, accumulate: true, pad: 2 }, 4, true);
  });

  it('K = 0 zeroes C, or leaves it with accumulate', () => {
    setGemmImplementation(which);
    const C = new Float32Array([9, 9, 9, 9, 9]);
    const empty = view(new Float32Array(0), 0, 2, 0, false);
    gemm(2, 2, 0, empty, view(new Float32Array(0), 0, 0, 2, false), C, 1, true);
    expect([...C]).toEqual([9, 9, 9, 9, 9]);
    gemm(2, 2, 0, empty, view(new Float32Array(0), 0, 0, 2, false), C, 1, false);
    expect([...C]).toEqual([9, 0, 0, 0, 0]);
  });

  it('propagates infinities and NaN', () => {
    setGemmImplementation(which);
    for (const transposeB of [false, true]) {
      const a = new Float32Array(2 * 17).fill(1);
      const b = new Float32Array(17 * 3).fill(1);
      a[5] = Infinity; // row 0: +∞ in every column
      a[17 + 2] = NaN; // row 1: NaN in every column
      const c = new Float32Array(6);
      gemm(2, 3, 17, view(a, 0, 2, 17, false), view(b, 0, transposeB ? 3 : 17, transposeB ? 17 : 3, transposeB), c, 0, false);
      expect([...c.slice(0, 3)]).toEqual([Infinity, Infinity, Infinity]);
      expect(c.slice(3).every(Number.isNaN)).toBe(true);
    }
  });
});

describe.runIf(implementations.includes('wasm'))('gemm (js vs wasm)', () => {
  it('agree within twice the tolerance on every shape', () => {
    for (const c of shapeCases) {
      setGemmImplementation('js');
      const js = check(c, 7);
      setGemmImplementation('wasm');
      const wasm = check(c, 7);
      let worst = 0;
      for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs((js[i] as number) - (wasm[i] as number)));
      // Both are within 4·eps·(√K+1)·Σ|ab| of the exact value; terms here are ≤ 1 in magnitude.
      expect(worst).toBeLessThanOrEqual(2 * 4 * EPS * (Math.sqrt(c.K) + 1) * (c.K + (c.accumulate ? 1 : 0)));
    }
  });

  it('falls back to JavaScript when only some operands are in the scratch array', () => {
    setGemmImplementation('wasm');
    const s = gemmScratch(64);
    s.fill(1);
    const b = new Float32Array(16).fill(2);
    const c = new Float32Array(16);
    gemm(4, 4, 4, view(s, 0, 4, 4, false), view(b, 0, 4, 4, false), c, 0, false);
    expect([...c]).toEqual(new Array(16).fill(8));
  });
});

interface ConvCase {
  id: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  geometry: Conv2DGeometry;
}

const geometry = (strides: [number, number], pads: [number, number, number, number], dilations: [number, number], groups = 1): Conv2DGeometry => ({ strides, pads, dilations, groups });
const convCases: ConvCase[] = [
  { id: 'LeNet-5 conv1', x: [4, 1, 28, 28], w: [6, 1, 5, 5], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  { id: 'LeNet-5 conv2', x: [4, 6, 12, 12], w: [16, 6, 5, 5], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  { id: '3×3 padded', x: [1, 16, 14, 14], w: [16, 16, 3, 3], geometry: geometry([1, 1], [1, 1, 1, 1], [1, 1]) },
  { id: 'strided, dilated, grouped, asymmetric pads', x: [2, 6, 11, 10], w: [3, 2, 3, 2], geometry: geometry([2, 3], [1, 2, 0, 1], [2, 1], 3) },
  { id: 'pointwise', x: [2, 8, 4, 4], w: [5, 8, 1, 1], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  { id: 'wide padding, stride 2', x: [1, 3, 7, 9], w: [4, 3, 3, 3], geometry: geometry([2, 2], [3, 3, 4, 4], [1, 1]) },
];

/** y, the input gradient and the filter gradient of one convolution, in float64, with the magnitudes of their terms. */
function convOracle(c: ConvCase, x: Float32Array, w: Float32Array, dy: Float32Array, yShape: number[]) {
  const [n, ch, h, wi] = c.x;
  const [o, cg, kh, kw] = c.w;
  const [, , ho, wo] = yShape as [number, number, number, number];
  const { strides: [sh, sw], pads: [pt, , pl], dilations: [dh, dw], groups } = c.geometry;
  const og = o / groups;
  const out = { y: new Float64Array(dy.length), yMag: new Float64Array(dy.length), dx: new Float64Array(x.length), dxMag: new Float64Array(x.length), dw: new Float64Array(w.length), dwMag: new Float64Array(w.length) };
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          const yi = ((b * o + oc) * ho + oh) * wo + ow;
          for (let ci = 0; ci < cg; ci++) {
            for (let ki = 0; ki < kh; ki++) {
              const ih = oh * sh - pt + ki * dh;
              if (ih < 0 || ih >= h) continue;
              for (let kj = 0; kj < kw; kj++) {
                const iw = ow * sw - pl + kj * dw;
                if (iw < 0 || iw >= wi) continue;
                const xi = ((b * ch + g * cg + ci) * h + ih) * wi + iw;
                const wi_ = ((oc * cg + ci) * kh + ki) * kw + kj;
                const [xv, wv, dyv] = [x[xi] as number, w[wi_] as number, dy[yi] as number];
                out.y[yi] = (out.y[yi] as number) + xv * wv;
                out.yMag[yi] = (out.yMag[yi] as number) + Math.abs(xv * wv);
                out.dx[xi] = (out.dx[xi] as number) + dyv * wv;
                out.dxMag[xi] = (out.dxMag[xi] as number) + Math.abs(dyv * wv);
                out.dw[wi_] = (out.dw[wi_] as number) + dyv * xv;
                out.dwMag[wi_] = (out.dwMag[wi_] as number) + Math.abs(dyv * xv);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

function expectClose(got: Float32Array, exact: Float64Array, magnitude: Float64Array, k: number, what: string): void {
  for (let i = 0; i < got.length; i++) {
    const bound = 4 * EPS * (Math.sqrt(k) + 1) * (magnitude[i] as number);
    if (!(Math.abs((got[i] as number) - (exact[i] as number)) <= bound)) expect.fail(`${what}[${i}] = ${got[i]}, expected ${exact[i]} ± ${bound}`);
  }
}

describe.each(implementations)('convolution through gemm (%s)', (which) => {
  it.each(convCases.map((c) => [c.id, c] as const))('%s: forward, input gradient, filter gradient', (_id, c) => {
    setGemmImplementation(which);
    const yShape = convOutputShape(c.x, c.w, c.geometry);
    const plan = convPlan(c.x, c.w, yShape, c.geometry);
    const next = random(11);
    const x = filled(c.x.reduce((a, b) => a * b), next);
    const w = filled(c.w.reduce((a, b) => a * b), next);
    const dy = filled(yShape.reduce((a, b) => a * b), next);
    const exact = convOracle(c, x, w, dy, yShape);
    const y = new Float32Array(dy.length).fill(NaN);
    const dx = new Float32Array(x.length).fill(NaN);
    const dw = new Float32Array(w.length).fill(NaN);
    conv2dForward(plan, x, w, y);
    conv2dBackpropInput(plan, dy, w, dx);
    conv2dBackpropFilter(plan, x, dy, dw);
    const [o, cg, kh, kw] = c.w;
    expectClose(y, exact.y, exact.yMag, cg * kh * kw, 'y');
    expectClose(dx, exact.dx, exact.dxMag, (o / c.geometry.groups) * kh * kw, 'dx');
    expectClose(dw, exact.dw, exact.dwMag, c.x[0] * (yShape[2] as number) * (yShape[3] as number), 'dw');
  });
});

describe('the wasm module', () => {
  it('is the assembly of src/wasm/gemm.wat, as fake-quantize-module.ts is of fake-quantize.wat (node scripts/assemble-wasm.mjs --check)', () => {
    const script = fileURLToPath(new URL('../scripts/assemble-wasm.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('runs here (Node 20 has WebAssembly SIMD), and PARVUS_REFERENCE_GEMM=js selects JavaScript', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(initial).toBe(process.env.PARVUS_REFERENCE_GEMM === 'js' ? 'js' : 'wasm');
  });
});
