/**
 * 2-D convolution through im2col and the blocked GEMM, for the forward pass and both gradients.
 * Each image (and group) is one GEMM whose output lands directly in its slice of the result, so
 * no reordering copies are needed; the column matrix is a reused scratch buffer.
 */
import type { Conv2DGeometry } from '@parvus/core';
import { gemm, view } from './gemm.js';

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

let scratch = new Float32Array(0);

/** A scratch column matrix of at least `size` elements (contents undefined). */
function columns(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** Columns of image `image`, channel group `group`: [rows, positions]. */
function im2col(p: Plan, x: Float32Array, image: number, group: number, cols: Float32Array): void {
  const width = p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    const plane = (image * p.c + group * p.cg + ci) * p.h * p.w;
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const rowBase = ((ci * p.kh + ki) * p.kw + kj) * width;
        // Output columns whose input column is inside the image: iw = ow·sw − pl + kj·dw ∈ [0, w).
        const shift = kj * p.dw - p.pl;
        const owStart = Math.min(p.wo, Math.max(0, Math.ceil(-shift / p.sw)));
        const owEnd = Math.max(owStart, Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1));
        for (let oh = 0; oh < p.ho; oh++) {
          const ih = oh * p.sh - p.pt + ki * p.dh;
          const out = rowBase + oh * p.wo;
          if (ih < 0 || ih >= p.h) {
            cols.fill(0, out, out + p.wo);
            continue;
          }
          const src = plane + ih * p.w + shift;
          if (owStart > 0) cols.fill(0, out, out + owStart);
          if (p.sw === 1) {
            cols.set(x.subarray(src + owStart, src + owEnd), out + owStart);
          } else {
            for (let ow = owStart; ow < owEnd; ow++) cols[out + ow] = x[src + ow * p.sw] as number;
          }
          if (owEnd < p.wo) cols.fill(0, out + owEnd, out + p.wo);
        }
      }
    }
  }
}

/** Scatter-add columns back into an input gradient (the adjoint of im2col). */
function col2im(p: Plan, cols: Float32Array, image: number, group: number, dx: Float32Array): void {
  const width = p.positions;
  for (let ci = 0; ci < p.cg; ci++) {
    const plane = (image * p.c + group * p.cg + ci) * p.h * p.w;
    for (let ki = 0; ki < p.kh; ki++) {
      for (let kj = 0; kj < p.kw; kj++) {
        const rowBase = ((ci * p.kh + ki) * p.kw + kj) * width;
        const shift = kj * p.dw - p.pl;
        const owStart = Math.max(0, Math.ceil(-shift / p.sw));
        const owEnd = Math.min(p.wo, Math.floor((p.w - 1 - shift) / p.sw) + 1);
        for (let oh = 0; oh < p.ho; oh++) {
          const ih = oh * p.sh - p.pt + ki * p.dh;
          if (ih < 0 || ih >= p.h) continue;
          const src = rowBase + oh * p.wo;
          const dst = plane + ih * p.w + shift;
          for (let ow = owStart; ow < owEnd; ow++) dx[dst + ow * p.sw] = (dx[dst + ow * p.sw] as number) + (cols[src + ow] as number);
        }
      }
    }
  }
}

/** Whether x itself is the column matrix of every image (1×1 kernel, stride 1, no padding). */
function isPointwise(p: Plan): boolean {
  return p.kh === 1 && p.kw === 1 && p.sh === 1 && p.sw === 1 && p.pt === 0 && p.pl === 0 && p.ho === p.h && p.wo === p.w;
}

export function conv2dForward(p: Plan, x: Float32Array, w: Float32Array, y: Float32Array): void {
  const pointwise = isPointwise(p);
  const cols = pointwise ? x : columns(p.rows * p.positions);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      let offset = 0;
      if (pointwise) offset = (image * p.c + group * p.cg) * p.positions;
      else im2col(p, x, image, group, cols);
      // y[image, group] [og, positions] = Wg [og, rows] · cols [rows, positions]
      gemm(p.og, p.positions, p.rows, view(w, group * p.og * p.rows, p.og, p.rows, false), view(cols, offset, p.rows, p.positions, false), y, (image * p.o + group * p.og) * p.positions, false);
    }
  }
}

export function conv2dBackpropInput(p: Plan, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  dx.fill(0);
  const cols = columns(p.rows * p.positions);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      // dcols [rows, positions] = Wgᵀ [rows, og] · dy[image, group] [og, positions]
      gemm(p.rows, p.positions, p.og, view(w, group * p.og * p.rows, p.og, p.rows, true), view(dy, (image * p.o + group * p.og) * p.positions, p.og, p.positions, false), cols, 0, false);
      col2im(p, cols, image, group, dx);
    }
  }
}

export function conv2dBackpropFilter(p: Plan, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
  dw.fill(0);
  const pointwise = isPointwise(p);
  const cols = pointwise ? x : columns(p.rows * p.positions);
  for (let image = 0; image < p.n; image++) {
    for (let group = 0; group < p.groups; group++) {
      let offset = 0;
      if (pointwise) offset = (image * p.c + group * p.cg) * p.positions;
      else im2col(p, x, image, group, cols);
      // dWg [og, rows] += dy[image, group] [og, positions] · colsᵀ [positions, rows]
      gemm(p.og, p.rows, p.positions, view(dy, (image * p.o + group * p.og) * p.positions, p.og, p.positions, false), view(cols, offset, p.rows, p.positions, true), dw, group * p.og * p.rows, true);
    }
  }
}
