/**
 * 2-D pooling with PyTorch's window rules (ceil mode, dilation, count_include_pad, divisor
 * override) from tfjs data-movement ops, so every tfjs backend computes the same windows.
 *
 * The input is padded (or cropped) to a "frame" covering every window; the windows are gathered
 * into a trailing axis of K = kh·kw taps ([N, C, Ho, Wo, K]); gradients scatter such a tensor back.
 * When the windows tile the frame (stride = kernel, no dilation: the usual 2×2 pooling) gathering
 * and scattering are a reshape and a transpose; otherwise one strided slice per tap.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Pool2DGeometry } from '@parvus/core';

export interface PoolPlan {
  n: number; c: number; h: number; w: number;
  ho: number; wo: number;
  kh: number; kw: number;
  sh: number; sw: number;
  dh: number; dw: number;
  /** Leading padding (PyTorch pads symmetrically, but the contract carries both sides). */
  pt: number; pl: number;
  /** The frame: rows [−pt, frameH − pt) and columns [−pl, frameW − pl) of the input. */
  frameH: number; frameW: number;
  /** Windows tile the frame exactly. */
  tiled: boolean;
}

/** PyTorch's pooling_output_shape: in ceil mode the last window must start inside the input or its leading padding. */
export function poolOutputLength(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number, ceilMode: boolean): number {
  const span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBefore) out -= 1;
  return out;
}

export function poolPlan(xShape: readonly number[], g: Pool2DGeometry, dilations: readonly [number, number] = [1, 1]): PoolPlan {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [kh, kw] = g.kernelSize;
  const [sh, sw] = g.strides;
  const [dh, dw] = dilations;
  const ho = poolOutputLength(h, kh, sh, g.pads[0], g.pads[1], dh, g.ceilMode);
  const wo = poolOutputLength(w, kw, sw, g.pads[2], g.pads[3], dw, g.ceilMode);
  const tiled = dh === 1 && dw === 1 && sh === kh && sw === kw;
  return {
    n, c, h, w, ho, wo, kh, kw, sh, sw, dh, dw, pt: g.pads[0], pl: g.pads[2],
    frameH: tiled ? ho * kh : (ho - 1) * sh + (kh - 1) * dh + 1,
    frameW: tiled ? wo * kw : (wo - 1) * sw + (kw - 1) * dw + 1,
    tiled,
  };
}

/** Pad (with `value`) or crop x [N, C, H, W] to the plan's frame. */
export function frame(x: tf.Tensor, p: PoolPlan, value: number): tf.Tensor {
  const after = [p.frameH - p.pt - p.h, p.frameW - p.pl - p.w];
  let y = x;
  if (after[0]! < 0 || after[1]! < 0) {
    // Rows or columns no window reaches.
    y = tf.slice(y, [0, 0, 0, 0], [p.n, p.c, Math.min(p.h, p.frameH - p.pt), Math.min(p.w, p.frameW - p.pl)]);
  }
  const padding: Array<[number, number]> = [[0, 0], [0, 0], [p.pt, Math.max(0, after[0]!)], [p.pl, Math.max(0, after[1]!)]];
  return padding.some(([a, b]) => a > 0 || b > 0) ? tf.pad(y, padding, value) : y;
}

/** The inverse of `frame` for gradients: crop the frame to the input, zero-filling rows no window reached. */
export function unframe(g: tf.Tensor, p: PoolPlan): tf.Tensor {
  const rows = Math.min(p.h, p.frameH - p.pt);
  const cols = Math.min(p.w, p.frameW - p.pl);
  const cropped = tf.slice(g, [0, 0, p.pt, p.pl], [p.n, p.c, rows, cols]);
  return rows < p.h || cols < p.w ? tf.pad(cropped, [[0, 0], [0, 0], [0, p.h - rows], [0, p.w - cols]]) : cropped;
}

/** The windows of a framed input as [N, C, Ho, Wo, K], taps in row-major order. */
export function windows(framed: tf.Tensor, p: PoolPlan): tf.Tensor {
  const k = p.kh * p.kw;
  if (p.tiled) {
    const blocks = tf.reshape(framed, [p.n, p.c, p.ho, p.kh, p.wo, p.kw]);
    return tf.reshape(tf.transpose(blocks, [0, 1, 2, 4, 3, 5]), [p.n, p.c, p.ho, p.wo, k]);
  }
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < p.kh; i++) {
    for (let j = 0; j < p.kw; j++) {
      const top = i * p.dh;
      const left = j * p.dw;
      taps.push(tf.stridedSlice(framed, [0, 0, top, left], [p.n, p.c, top + (p.ho - 1) * p.sh + 1, left + (p.wo - 1) * p.sw + 1], [1, 1, p.sh, p.sw]));
    }
  }
  return tf.stack(taps, 4);
}

/** Scatter-add per-window values [N, C, Ho, Wo, K] back onto the frame [N, C, frameH, frameW]. */
export function scatterWindows(values: tf.Tensor, p: PoolPlan): tf.Tensor {
  if (p.tiled) {
    const blocks = tf.reshape(values, [p.n, p.c, p.ho, p.wo, p.kh, p.kw]);
    return tf.reshape(tf.transpose(blocks, [0, 1, 2, 4, 3, 5]), [p.n, p.c, p.frameH, p.frameW]);
  }
  const taps = tf.unstack(values, 4);
  const spreadH = (p.ho - 1) * p.sh + 1;
  const spreadW = (p.wo - 1) * p.sw + 1;
  const placed = taps.map((tap, t) => {
    // Zero-insert to stride spacing, then shift to the tap's offset within the frame.
    const spaced = tf.pad(tf.reshape(tap, [p.n, p.c, p.ho, 1, p.wo, 1]), [[0, 0], [0, 0], [0, 0], [0, p.sh - 1], [0, 0], [0, p.sw - 1]]);
    const spread = tf.slice(tf.reshape(spaced, [p.n, p.c, p.ho * p.sh, p.wo * p.sw]), [0, 0, 0, 0], [p.n, p.c, spreadH, spreadW]);
    const top = Math.floor(t / p.kw) * p.dh;
    const left = (t % p.kw) * p.dw;
    return tf.pad(spread, [[0, 0], [0, 0], [top, p.frameH - top - spreadH], [left, p.frameW - left - spreadW]]);
  });
  return placed.length === 1 ? (placed[0] as tf.Tensor) : tf.addN(placed);
}

/** [Ho, Wo, K]: whether each tap of each window lies inside the input (not in padding). */
export function tapsInBounds(p: PoolPlan): tf.Tensor {
  const k = p.kh * p.kw;
  const inside = new Uint8Array(p.ho * p.wo * k);
  for (let oh = 0; oh < p.ho; oh++) {
    for (let ow = 0; ow < p.wo; ow++) {
      for (let i = 0; i < p.kh; i++) {
        const row = oh * p.sh - p.pt + i * p.dh;
        for (let j = 0; j < p.kw; j++) {
          const col = ow * p.sw - p.pl + j * p.dw;
          inside[(oh * p.wo + ow) * k + i * p.kw + j] = row >= 0 && row < p.h && col >= 0 && col < p.w ? 1 : 0;
        }
      }
    }
  }
  return tf.tensor3d(inside, [p.ho, p.wo, k], 'bool');
}

/**
 * [Ho, Wo]: PyTorch's average-pooling divisor of each window: the override, or the window clipped
 * to the padded input (count_include_pad), or clipped to the input.
 */
export function avgDivisors(p: PoolPlan, pads: readonly number[], countIncludePad: boolean, divisorOverride: number | null): tf.Tensor {
  const divisors = new Float32Array(p.ho * p.wo);
  for (let oh = 0; oh < p.ho; oh++) {
    let y0 = oh * p.sh - p.pt;
    let y1 = Math.min(y0 + p.kh, p.h + (pads[1] as number));
    const paddedH = y1 - y0;
    y0 = Math.max(y0, 0);
    y1 = Math.min(y1, p.h);
    for (let ow = 0; ow < p.wo; ow++) {
      let x0 = ow * p.sw - p.pl;
      let x1 = Math.min(x0 + p.kw, p.w + (pads[3] as number));
      const paddedW = x1 - x0;
      x0 = Math.max(x0, 0);
      x1 = Math.min(x1, p.w);
      divisors[oh * p.wo + ow] = divisorOverride ?? (countIncludePad ? paddedH * paddedW : (y1 - y0) * (x1 - x0));
    }
  }
  return tf.tensor2d(divisors, [p.ho, p.wo]);
}
