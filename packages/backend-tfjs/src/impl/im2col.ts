/**
 * im2col and col2im for the convolution gradients: the input windows as a matrix and back, written
 * straight into the output's storage (tfjs-wasm's heap, or a JS array for tfjs-cpu), since tfjs has
 * neither and building them from strided slices costs a pass per kernel tap. On tfjs-wasm, with
 * unit stride along the width, each kernel tap of each channel is one call of the SIMD module's
 * copy3d / add3d (all images, all output rows).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import type { ConvGeometry } from './conv.js';
import { onHostData } from './host.js';
import { WasmHeap } from './wasm-heap.js';

/** The output rows [ohStart, ohEnd) and columns [owStart, owEnd) whose tap (i, j) lies inside the input (width stride 1). */
interface TapRange {
  ohStart: number; ohEnd: number;
  owStart: number; owEnd: number;
  /** Input row and column of the tap at (ohStart, owStart). */
  ih: number; iw: number;
}

function tapRange(i: number, j: number, input: readonly [number, number], out: readonly [number, number], g: ConvGeometry): TapRange {
  const [h, w] = input;
  const [ho, wo] = out;
  const sh = g.strides[0];
  const rowShift = i * g.dilations[0] - g.pads[0];
  const colShift = j * g.dilations[1] - g.pads[2];
  const ohStart = Math.min(ho, Math.max(0, Math.ceil(-rowShift / sh)));
  const ohEnd = Math.max(ohStart, Math.min(ho, Math.floor((h - 1 - rowShift) / sh) + 1));
  const owStart = Math.min(wo, Math.max(0, -colShift));
  const owEnd = Math.max(owStart, Math.min(wo, w - colShift));
  return { ohStart, ohEnd, owStart, owEnd, ih: ohStart * sh + rowShift, iw: owStart + colShift };
}

/** Whether some tap falls outside the input for some output position (then padding must be zeroed). */
function touchesPadding(kernel: readonly [number, number], input: readonly [number, number], out: readonly [number, number], g: ConvGeometry): boolean {
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const r = tapRange(i, j, input, out, g);
      if (r.ohStart > 0 || r.ohEnd < out[0] || r.owStart > 0 || r.owEnd < out[1]) return true;
    }
  }
  return false;
}

/** im2col on tfjs-wasm's heap (width stride 1): one copy3d per channel and tap. */
function im2colOnHeap(heap: WasmHeap, x: tf.Tensor, kernel: readonly [number, number], outSize: readonly [number, number], g: ConvGeometry): tf.Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = kernel;
  const [ho, wo] = outSize;
  const cg = c / g.groups;
  const rows = cg * kh * kw;
  const positions = ho * wo;
  const cols = heap.output([g.groups, rows, n * positions]);
  if (touchesPadding(kernel, [h, w], outSize, g)) heap.view(cols).fill(0);
  const source = heap.address(x);
  const target = heap.address(cols);
  for (let channel = 0; channel < c; channel++) {
    let row = Math.floor(channel / cg) * rows + (channel % cg) * kh * kw;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const r = tapRange(i, j, [h, w], outSize, g);
        if (r.ohEnd === r.ohStart || r.owEnd === r.owStart) continue;
        heap.kernels.copy3d(
          source + ((channel * h + r.ih) * w + r.iw) * 4, target + (row * n * positions + r.ohStart * wo + r.owStart) * 4,
          n, r.ohEnd - r.ohStart, r.owEnd - r.owStart,
          c * h * w * 4, g.strides[0] * w * 4, positions * 4, wo * 4,
        );
      }
    }
  }
  return cols;
}

/**
 * col2im on tfjs-wasm's heap, the adjoint of im2col for one group and unit width stride: columns
 * [N, C·kh·kw, Ho·Wo] → [N, C, H, W], each window tap added onto its input position (taps in
 * (c, i, j) order), zero where no window reaches.
 */
export function col2imOnHeap(
  heap: WasmHeap, columns: tf.Tensor, inputShape: readonly number[], kernel: readonly [number, number],
  outSize: readonly [number, number], g: ConvGeometry,
): tf.Tensor {
  const [n, c, h, w] = inputShape as [number, number, number, number];
  const [kh, kw] = kernel;
  const [ho, wo] = outSize;
  const positions = ho * wo;
  const dx = heap.output([n, c, h, w]);
  heap.view(dx).fill(0);
  const source = heap.address(columns);
  const target = heap.address(dx);
  let row = 0;
  for (let channel = 0; channel < c; channel++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const r = tapRange(i, j, [h, w], outSize, g);
        if (r.ohEnd === r.ohStart || r.owEnd === r.owStart) continue;
        heap.kernels.add3d(
          source + (row * positions + r.ohStart * wo + r.owStart) * 4, target + ((channel * h + r.ih) * w + r.iw) * 4,
          n, r.ohEnd - r.ohStart, r.owEnd - r.owStart,
          c * kh * kw * positions * 4, wo * 4, c * h * w * 4, g.strides[0] * w * 4,
        );
      }
    }
  }
  return dx;
}

/**
 * x [N, C, H, W] → columns [groups, (C/groups)·kh·kw, N·Ho·Wo]: row (c, i, j) holds tap (i, j) of
 * channel c at every output position of every image (zero where the tap falls in the padding).
 * Each row is filled one output row at a time, over the columns whose tap lies inside the input.
 * Null where the backend's data is not on the host.
 */
export function im2col(
  backend: TfjsBackend, x: tf.Tensor, kernel: readonly [number, number], outSize: readonly [number, number], g: ConvGeometry,
): tf.Tensor | null {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = kernel;
  const [ho, wo] = outSize;
  const groups = g.groups;
  const cg = c / groups;
  const positions = ho * wo;
  const rows = cg * kh * kw;
  const heap = g.strides[1] === 1 && x.dtype === 'float32' && x.size > 0 ? WasmHeap.of(backend) : null;
  if (heap) return im2colOnHeap(heap, x, kernel, outSize, g);
  return onHostData(backend, [x], [groups, rows, n * positions], ([source], cols) => fill(source!, cols));

  function fill(source: Float32Array, cols: Float32Array): void {
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const pt = g.pads[0];
    const pl = g.pads[2];
    for (let plane = 0; plane < n * c; plane++) {
      const image = Math.floor(plane / c);
      const channel = plane % c;
      const group = Math.floor(channel / cg);
      const planeBase = plane * h * w;
      let row = group * rows + (channel % cg) * kh * kw;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++, row++) {
          // Output columns whose input column iw = ow·sw − pl + j·dw is inside [0, w).
          const shift = j * dw - pl;
          const owStart = Math.min(wo, Math.max(0, Math.ceil(-shift / sw)));
          const owEnd = Math.max(owStart, Math.min(wo, Math.floor((w - 1 - shift) / sw) + 1));
          const rowBase = (row * n + image) * positions;
          for (let oh = 0; oh < ho; oh++) {
            const ih = oh * sh - pt + i * dh;
            const dst = rowBase + oh * wo;
            if (ih < 0 || ih >= h) {
              cols.fill(0, dst, dst + wo);
              continue;
            }
            if (owStart > 0) cols.fill(0, dst, dst + owStart);
            const src = planeBase + ih * w + shift;
            for (let ow = owStart; ow < owEnd; ow++) cols[dst + ow] = source[src + ow * sw] as number;
            if (owEnd < wo) cols.fill(0, dst + owEnd, dst + wo);
          }
        }
      }
    }
  }
}
