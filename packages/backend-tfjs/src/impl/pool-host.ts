/** Pooling as plain loops with PyTorch's CPU semantics (aten/src/ATen/native/cpu), for host-side data. */
import type { PoolPlan } from './pool.js';

/**
 * For each output cell, the index within its plane of the window's maximum: scanning the window row
 * by row from its first tap inside the input, a value replaces the running maximum when it is
 * greater or NaN (the first maximum wins, the last NaN wins, an all −Inf window keeps its first tap).
 */
export function maxPoolArgmax(x: Float32Array, p: PoolPlan): Int32Array {
  const argmax = new Int32Array(p.n * p.c * p.ho * p.wo);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++) {
    const base = plane * p.h * p.w;
    for (let oh = 0; oh < p.ho; oh++) {
      let h0 = oh * p.sh - p.pt;
      const h1 = Math.min(h0 + (p.kh - 1) * p.dh + 1, p.h);
      while (h0 < 0) h0 += p.dh;
      for (let ow = 0; ow < p.wo; ow++) {
        let w0 = ow * p.sw - p.pl;
        const w1 = Math.min(w0 + (p.kw - 1) * p.dw + 1, p.w);
        while (w0 < 0) w0 += p.dw;
        let best = -Infinity;
        let bestIndex = h0 * p.w + w0;
        for (let ih = h0; ih < h1; ih += p.dh) {
          for (let iw = w0; iw < w1; iw += p.dw) {
            const index = ih * p.w + iw;
            const v = x[base + index] as number;
            if (v > best || v !== v) {
              best = v;
              bestIndex = index;
            }
          }
        }
        argmax[o++] = bestIndex;
      }
    }
  }
  return argmax;
}

/**
 * 2×2 windows at stride 2 with no padding or dilation, all inside the input: the usual pooling,
 * which takes the unrolled loops below (same scan order and NaN rule as maxPoolArgmax).
 */
export function isPlain2x2(p: PoolPlan): boolean {
  return p.kh === 2 && p.kw === 2 && p.sh === 2 && p.sw === 2 && p.dh === 1 && p.dw === 1 &&
    p.pt === 0 && p.pl === 0 && 2 * p.ho <= p.h && 2 * p.wo <= p.w;
}

function maxPool2x2Forward(x: Float32Array, y: Float32Array, p: PoolPlan): void {
  const { h, w, ho, wo } = p;
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++) {
    for (let oh = 0; oh < ho; oh++) {
      let top = plane * h * w + 2 * oh * w;
      for (let ow = 0; ow < wo; ow++, top += 2) {
        let best = x[top] as number;
        const b = x[top + 1] as number;
        if (b > best || b !== b) best = b;
        const c = x[top + w] as number;
        if (c > best || c !== c) best = c;
        const d = x[top + w + 1] as number;
        if (d > best || d !== d) best = d;
        y[o++] = best;
      }
    }
  }
}

/** dx = dy at each window's maximum, +0 elsewhere (+0 + dy, as torch's zero-filled accumulation). */
function maxPool2x2Backward(dy: Float32Array, x: Float32Array, dx: Float32Array, p: PoolPlan): void {
  const { h, w, ho, wo } = p;
  if (2 * ho < h || 2 * wo < w) dx.fill(0);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++) {
    for (let oh = 0; oh < ho; oh++) {
      let top = plane * h * w + 2 * oh * w;
      for (let ow = 0; ow < wo; ow++, top += 2) {
        let best = x[top] as number;
        let at = 0;
        const b = x[top + 1] as number;
        if (b > best || b !== b) { best = b; at = 1; }
        const c = x[top + w] as number;
        if (c > best || c !== c) { best = c; at = 2; }
        const d = x[top + w + 1] as number;
        if (d > best || d !== d) at = 3;
        const g = (dy[o++] as number) + 0;
        dx[top] = at === 0 ? g : 0;
        dx[top + 1] = at === 1 ? g : 0;
        dx[top + w] = at === 2 ? g : 0;
        dx[top + w + 1] = at === 3 ? g : 0;
      }
    }
  }
}

export function maxPoolForward(x: Float32Array, y: Float32Array, p: PoolPlan): void {
  if (isPlain2x2(p)) {
    maxPool2x2Forward(x, y, p);
    return;
  }
  const argmax = maxPoolArgmax(x, p);
  const plane = p.h * p.w;
  const perPlane = p.ho * p.wo;
  for (let i = 0; i < y.length; i++) y[i] = x[Math.floor(i / perPlane) * plane + (argmax[i] as number)] as number;
}

export function maxPoolBackward(dy: Float32Array, x: Float32Array, dx: Float32Array, p: PoolPlan): void {
  if (isPlain2x2(p)) {
    maxPool2x2Backward(dy, x, dx, p);
    return;
  }
  const argmax = maxPoolArgmax(x, p);
  const plane = p.h * p.w;
  const perPlane = p.ho * p.wo;
  dx.fill(0);
  for (let i = 0; i < dy.length; i++) {
    const target = Math.floor(i / perPlane) * plane + (argmax[i] as number);
    dx[target] = (dx[target] as number) + (dy[i] as number);
  }
}

export interface AvgOptions {
  /** [top, bottom, left, right] */
  pads: readonly number[];
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/** The clipped window [start, end) of an output position and its size counting padding (torch's avg_pool2d). */
function avgWindow(pos: number, stride: number, padBefore: number, padAfter: number, kernel: number, size: number): [number, number, number] {
  let start = pos * stride - padBefore;
  let end = Math.min(start + kernel, size + padAfter);
  const padded = end - start;
  start = Math.max(start, 0);
  end = Math.min(end, size);
  return [start, end, padded];
}

export function avgPoolForward(x: Float32Array, y: Float32Array, p: PoolPlan, a: AvgOptions): void {
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++) {
    const base = plane * p.h * p.w;
    for (let oh = 0; oh < p.ho; oh++) {
      const [h0, h1, hp] = avgWindow(oh, p.sh, a.pads[0] as number, a.pads[1] as number, p.kh, p.h);
      for (let ow = 0; ow < p.wo; ow++) {
        const [w0, w1, wp] = avgWindow(ow, p.sw, a.pads[2] as number, a.pads[3] as number, p.kw, p.w);
        // A float32 running sum in row-major window order, as torch's CPU kernel (bit for bit).
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) sum = Math.fround(sum + (x[base + ih * p.w + iw] as number));
        const divisor = a.divisorOverride ?? (a.countIncludePad ? hp * wp : (h1 - h0) * (w1 - w0));
        y[o++] = sum / divisor;
      }
    }
  }
}

export function avgPoolBackward(dy: Float32Array, dx: Float32Array, p: PoolPlan, a: AvgOptions): void {
  dx.fill(0);
  let o = 0;
  for (let plane = 0; plane < p.n * p.c; plane++) {
    const base = plane * p.h * p.w;
    for (let oh = 0; oh < p.ho; oh++) {
      const [h0, h1, hp] = avgWindow(oh, p.sh, a.pads[0] as number, a.pads[1] as number, p.kh, p.h);
      for (let ow = 0; ow < p.wo; ow++) {
        const [w0, w1, wp] = avgWindow(ow, p.sw, a.pads[2] as number, a.pads[3] as number, p.kw, p.w);
        const divisor = a.divisorOverride ?? (a.countIncludePad ? hp * wp : (h1 - h0) * (w1 - w0));
        const g = (dy[o++] as number) / divisor;
        for (let ih = h0; ih < h1; ih++) {
          for (let iw = w0; iw < w1; iw++) dx[base + ih * p.w + iw] = (dx[base + ih * p.w + iw] as number) + g;
        }
      }
    }
  }
}
