/**
 * 2-D convolution through im2col and the blocked GEMM, for the forward pass and both gradients.
 * Inputs, column matrix and result share one gemm scratch array (wasm memory under the wasm
 * gemm, so nothing is copied per GEMM); each image (and group) is one GEMM whose output lands
 * directly in its slice of the result.
 */
import type { Conv2DGeometry } from '@parvus/core';
import { gemm, gemmScratch, view } from './gemm.js';
import { columnsWasm } from './gemm-wasm.js';

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
}

export function convPlan(xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], g: Conv2DGeometry): Plan {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [, , ho, wo] = yShape as [number, number, number, number];
  return {
    n, c, h, w, o, kh, kw, ho, wo,
    groups: g.groups, cg, og: o / g.groups,
    sh: g.strides[0], sw: g.strides[1], pt: g.pads[0], pl: g.pads[2], dh: g.dilations[0], dw: g.dilations[1],
    rows: cg * kh * kw,
    positions: ho * wo,
  };
}

export function convOutputShape(xShape: readonly number[], wShape: readonly number[], g: Conv2DGeometry): [number, number, number, number] {
  const [n, , h, w] = xShape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  const ho = Math.floor((h + g.pads[0] + g.pads[1] - g.dilations[0] * (kh - 1) - 1) / g.strides[0]) + 1;
  const wo = Math.floor((w + g.pads[2] + g.pads[3] - g.dilations[1] * (kw - 1) - 1) / g.strides[1]) + 1;
  return [n, o, ho, wo];
}

/** Round a scratch offset up to a multiple of 4 floats (16 bytes), for aligned vector access. */
const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Columns of image `image`, channel group `group`: [rows, positions] at `cols` in `s`, from the
 * input at `x` in the same array (so row segments move with copyWithin, no allocation).
 */
function im2col(p: Plan, s: Float32Array, x: number, image: number, group: number, cols: number): void {
  const planes = x + (image * p.c + group * p.cg) * p.h * p.w;
  if (columnsWasm('im2col', s, p, planes, cols)) return;
  const width = p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    const plane = planes + ci * p.h * p.w;
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const rowBase = cols + ((ci * p.kh + ki) * p.kw + kj) * width;
        // Output columns whose input column is inside the image: iw = ow·sw − pl + kj·dw ∈ [0, w).
        const shift = kj * p.dw - p.pl;
        const owStart = Math.min(p.wo, Math.max(0, Math.ceil(-shift / p.sw)));
        const owEnd = Math.max(owStart, Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1));
        for (let oh = 0; oh < p.ho; oh++) {
          const ih = oh * p.sh - p.pt + ki * p.dh;
          const out = rowBase + oh * p.wo;
          if (ih < 0 || ih >= p.h) {
            s.fill(0, out, out + p.wo);
            continue;
          }
          const src = plane + ih * p.w + shift;
          if (owStart > 0) s.fill(0, out, out + owStart);
          if (p.sw === 1) {
            s.copyWithin(out + owStart, src + owStart, src + owEnd);
          } else {
            for (let ow = owStart; ow < owEnd; ow++) s[out + ow] = s[src + ow * p.sw] as number;
          }
          if (owEnd < p.wo) s.fill(0, out + owEnd, out + p.wo);
        }
      }
    }
  }
}

/** Scatter-add columns at `cols` back into the input gradient at `dx`, in the same array (the adjoint of im2col). */
function col2im(p: Plan, s: Float32Array, cols: number, image: number, group: number, dx: number): void {
  const planes = dx + (image * p.c + group * p.cg) * p.h * p.w;
  if (columnsWasm('col2im', s, p, planes, cols)) return;
  const width = p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    const plane = planes + ci * p.h * p.w;
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const rowBase = cols + ((ci * p.kh + ki) * p.kw + kj) * width;
        const shift = kj * p.dw - p.pl;
        const owStart = Math.max(0, Math.ceil(-shift / p.sw));
        const owEnd = Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1);
        for (let oh = 0; oh < p.ho; oh++) {
          const ih = oh * p.sh - p.pt + ki * p.dh;
          if (ih < 0 || ih >= p.h) continue;
          const src = rowBase + oh * p.wo;
          const dst = plane + ih * p.w + shift;
          for (let ow = owStart; ow < owEnd; ow++) s[dst + ow * p.sw] = (s[dst + ow * p.sw] as number) + (s[src + ow] as number);
        }
      }
    }
  }
}

/** Whether x itself is the column matrix of every image (1×1 kernel, stride 1, no padding). */
function isPointwise(p: Plan): boolean {
  return p.kh === 1 && p.kw === 1 && p.sh === 1 && p.sw === 1 && p.pt === 0 && p.pl === 0 && p.ho === p.h && p.wo === p.w;
}

/**
 * Four regions of the given sizes, each 16-byte aligned, in one gemm scratch array: the array and
 * the regions' starts. Every operand then lives where gemm reads it in place.
 */
function layout(a: number, b: number, c: number, d: number): [Float32Array, number, number, number, number] {
  const at1 = align4(a);
  const at2 = at1 + align4(b);
  const at3 = at2 + align4(c);
  return [gemmScratch(at3 + d), 0, at1, at2, at3];
}

export function conv2dForward(p: Plan, x: Float32Array, w: Float32Array, y: Float32Array): void {
  const pointwise = isPointwise(p);
  const [s, X, W, COLS, Y] = layout(x.length, w.length, pointwise ? 0 : p.rows * p.positions, y.length);
  s.set(x, X);
  s.set(w, W);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      let cols = COLS;
      if (pointwise) cols = X + (image * p.c + group * p.cg) * p.positions;
      else im2col(p, s, X, image, group, COLS);
      // y[image, group] [og, positions] = Wg [og, rows] · cols [rows, positions]
      gemm(p.og, p.positions, p.rows, view(s, W + group * p.og * p.rows, p.og, p.rows, false), view(s, cols, p.rows, p.positions, false), s, Y + (image * p.o + group * p.og) * p.positions, false);
    }
  }
  y.set(s.subarray(Y, Y + y.length));
}

export function conv2dBackpropInput(p: Plan, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  const pointwise = isPointwise(p);
  const [s, DY, W, COLS, DX] = layout(dy.length, w.length, pointwise ? 0 : p.rows * p.positions, dx.length);
  s.set(dy, DY);
  s.set(w, W);
  if (!pointwise) s.fill(0, DX, DX + dx.length);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      // dcols [rows, positions] = Wgᵀ [rows, og] · dy[image, group] [og, positions]; for a pointwise
      // convolution the columns are dx[image, group] itself.
      const cols = pointwise ? DX + (image * p.c + group * p.cg) * p.positions : COLS;
      gemm(p.rows, p.positions, p.og, view(s, W + group * p.og * p.rows, p.og, p.rows, true), view(s, DY + (image * p.o + group * p.og) * p.positions, p.og, p.positions, false), s, cols, false);
      if (!pointwise) col2im(p, s, COLS, image, group, DX);
    }
  }
  dx.set(s.subarray(DX, DX + dx.length));
}

export function conv2dBackpropFilter(p: Plan, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  const pointwise = isPointwise(p);
  const [s, X, DY, COLS, DW] = layout(x.length, dy.length, pointwise ? 0 : p.rows * p.positions, dw.length);
  s.set(x, X);
  s.set(dy, DY);
  s.fill(0, DW, DW + dw.length);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      let cols = COLS;
      if (pointwise) cols = X + (image * p.c + group * p.cg) * p.positions;
      else im2col(p, s, X, image, group, COLS);
      // dWg [og, rows] += dy[image, group] [og, positions] · colsᵀ [positions, rows]
      gemm(p.og, p.rows, p.positions, view(s, DY + (image * p.o + group * p.og) * p.positions, p.og, p.positions, false), view(s, cols, p.rows, p.positions, true), s, DW + group * p.og * p.rows, true);
    }
  }
  dw.set(s.subarray(DW, DW + dw.length));
}
