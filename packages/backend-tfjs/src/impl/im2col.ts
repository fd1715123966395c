/**
 * im2col for the convolution filter gradient: the input windows as a matrix, written by a plain
 * loop straight into the output's storage (tfjs-wasm's heap, or a JS array for tfjs-cpu), since
 * tfjs has no im2col and building one from strided slices costs a pass per kernel tap.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import type { ConvGeometry } from './conv.js';
import { onHostData } from './host.js';

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
