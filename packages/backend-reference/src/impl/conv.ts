/**
 * 2-D convolution through im2col and the blocked GEMM, for the forward pass and both gradients.
 * Batches are processed in chunks whose column matrix stays under COLUMN_BUDGET elements.
 */
import type { Conv2DGeometry } from '@parvus/core';
import { gemm, view } from './gemm.js';

const COLUMN_BUDGET = 1 << 23;

interface Plan {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  ho: number; wo: number;
  groups: number; cg: number; og: number;
  sh: number; sw: number; pt: number; pl: number; dh: number; dw: number;
  /** Rows of the column matrix: cg·kh·kw. */
  rows: number;
  /** Output positions per image: ho·wo. */
  positions: number;
  /** Images per chunk. */
  chunk: number;
}

export function convPlan(xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], g: Conv2DGeometry): Plan {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [, , ho, wo] = yShape as [number, number, number, number];
  const rows = cg * kh * kw;
  const positions = ho * wo;
  return {
    n, c, h, w, o, kh, kw, ho, wo,
    groups: g.groups, cg, og: o / g.groups,
    sh: g.strides[0], sw: g.strides[1], pt: g.pads[0], pl: g.pads[2], dh: g.dilations[0], dw: g.dilations[1],
    rows, positions,
    chunk: Math.max(1, Math.min(n, Math.floor(COLUMN_BUDGET / Math.max(1, rows * positions)))),
  };
}

export function convOutputShape(xShape: readonly number[], wShape: readonly number[], g: Conv2DGeometry): [number, number, number, number] {
  const [n, , h, w] = xShape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  const ho = Math.floor((h + g.pads[0] + g.pads[1] - g.dilations[0] * (kh - 1) - 1) / g.strides[0]) + 1;
  const wo = Math.floor((w + g.pads[2] + g.pads[3] - g.dilations[1] * (kw - 1) - 1) / g.strides[1]) + 1;
  return [n, o, ho, wo];
}

/** Columns for images n0..n0+count−1 and channel group `group`: [rows, count·positions]. */
function im2col(p: Plan, x: Float32Array, n0: number, count: number, group: number, cols: Float32Array): void {
  const width = count * p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const row = (ci * p.kh + ki) * p.kw + kj;
        const rowBase = row * width;
        // Output columns whose input column is inside the image: iw = ow·sw − pl + kj·dw ∈ [0, w).
        const shift = kj * p.dw - p.pl;
        const owStart = Math.max(0, Math.ceil(-shift / p.sw));
        const owEnd = Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1);
        for (let nn = 0; nn < count; nn++) {
          const plane = ((n0 + nn) * p.c + group * p.cg + ci) * p.h * p.w;
          for (let oh = 0; oh < p.ho; oh++) {
            const ih = oh * p.sh - p.pt + ki * p.dh;
            const out = rowBase + nn * p.positions + oh * p.wo;
            if (ih < 0 || ih >= p.h || owStart >= owEnd) {
              cols.fill(0, out, out + p.wo);
              continue;
            }
            const src = plane + ih * p.w + shift;
            for (let ow = 0; ow < owStart; ow++) cols[out + ow] = 0;
            for (let ow = owStart; ow < owEnd; ow++) cols[out + ow] = x[src + ow * p.sw] as number;
            for (let ow = owEnd; ow < p.wo; ow++) cols[out + ow] = 0;
          }
        }
      }
    }
  }
}

/** Scatter-add columns back into an input gradient (the adjoint of im2col). */
function col2im(p: Plan, cols: Float32Array, n0: number, count: number, group: number, dx: Float32Array): void {
  const width = count * p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const rowBase = ((ci * p.kh + ki) * p.kw + kj) * width;
        const shift = kj * p.dw - p.pl;
        const owStart = Math.max(0, Math.ceil(-shift / p.sw));
        const owEnd = Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1);
        for (let nn = 0; nn < count; nn++) {
          const plane = ((n0 + nn) * p.c + group * p.cg + ci) * p.h * p.w;
          for (let oh = 0; oh < p.ho; oh++) {
            const ih = oh * p.sh - p.pt + ki * p.dh;
            if (ih < 0 || ih >= p.h) continue;
            const src = rowBase + nn * p.positions + oh * p.wo;
            const dst = plane + ih * p.w + shift;
            for (let ow = owStart; ow < owEnd; ow++) dx[dst + ow * p.sw] = (dx[dst + ow * p.sw] as number) + (cols[src + ow] as number);
          }
        }
      }
    }
  }
}

/** Copy y[n0.., group's channels] ([count, og, positions]) to/from a [og, count·positions] matrix. */
function gatherGroup(p: Plan, y: Float32Array, n0: number, count: number, group: number, out: Float32Array): void {
  const width = count * p.positions;
  for (let oc = 0; oc < p.og; oc++) {
    for (let nn = 0; nn < count; nn++) {
      const src = ((n0 + nn) * p.o + group * p.og + oc) * p.positions;
      out.set(y.subarray(src, src + p.positions), oc * width + nn * p.positions);
    }
  }
}

function scatterGroup(p: Plan, matrix: Float32Array, n0: number, count: number, group: number, y: Float32Array): void {
  const width = count * p.positions;
  for (let oc = 0; oc < p.og; oc++) {
    for (let nn = 0; nn < count; nn++) {
      const dst = ((n0 + nn) * p.o + group * p.og + oc) * p.positions;
      y.set(matrix.subarray(oc * width + nn * p.positions, oc * width + (nn + 1) * p.positions), dst);
    }
  }
}

export function conv2dForward(p: Plan, x: Float32Array, w: Float32Array, y: Float32Array): void {
  const cols = new Float32Array(p.rows * p.chunk * p.positions);
  const result = new Float32Array(p.og * p.chunk * p.positions);
  for (let n0 = 0; n0 < p.n; n0 += p.chunk) {
    const count = Math.min(p.chunk, p.n - n0);
    const width = count * p.positions;
    for (let group = 0; group < p.groups; group++) {
      im2col(p, x, n0, count, group, cols);
      gemm(p.og, width, p.rows, view(w, group * p.og * p.rows, p.og, p.rows, false), view(cols, 0, p.rows, width, false), result, 0, false);
      scatterGroup(p, result, n0, count, group, y);
    }
  }
}

export function conv2dBackpropInput(p: Plan, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  dx.fill(0);
  const cols = new Float32Array(p.rows * p.chunk * p.positions);
  const dyGroup = new Float32Array(p.og * p.chunk * p.positions);
  for (let n0 = 0; n0 < p.n; n0 += p.chunk) {
    const count = Math.min(p.chunk, p.n - n0);
    const width = count * p.positions;
    for (let group = 0; group < p.groups; group++) {
      gatherGroup(p, dy, n0, count, group, dyGroup);
      // dcols [rows, width] = Wgᵀ [rows, og] · dy [og, width]
      gemm(p.rows, width, p.og, view(w, group * p.og * p.rows, p.og, p.rows, true), view(dyGroup, 0, p.og, width, false), cols, 0, false);
      col2im(p, cols, n0, count, group, dx);
    }
  }
}

export function conv2dBackpropFilter(p: Plan, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  dw.fill(0);
  const cols = new Float32Array(p.rows * p.chunk * p.positions);
  const dyGroup = new Float32Array(p.og * p.chunk * p.positions);
  for (let n0 = 0; n0 < p.n; n0 += p.chunk) {
    const count = Math.min(p.chunk, p.n - n0);
    const width = count * p.positions;
    for (let group = 0; group < p.groups; group++) {
      im2col(p, x, n0, count, group, cols);
      gatherGroup(p, dy, n0, count, group, dyGroup);
      // dWg [og, rows] += dy [og, width] · colsᵀ [width, rows]
      gemm(p.og, p.rows, width, view(dyGroup, 0, p.og, width, false), view(cols, 0, p.rows, width, true), dw, group * p.og * p.rows, true);
    }
  }
}
