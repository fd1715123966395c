/** 2-D pooling with PyTorch's window rules (padding, dilation, ceil mode, divisors). */
import type { AvgPool2DAttrs, MaxPool2DAttrs, Pool2DGeometry } from '@parvus/core';

function outputSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export function poolOutputShape(x: readonly number[], g: Pool2DGeometry, dilations: readonly [number, number] = [1, 1]): [number, number, number, number] {
  const [n, c, h, w] = x as [number, number, number, number];
  return [
    n, c,
    outputSize(h, g.kernelSize[0], g.strides[0], g.pads[0], dilations[0], g.ceilMode),
    outputSize(w, g.kernelSize[1], g.strides[1], g.pads[2], dilations[1], g.ceilMode),
  ];
}

/**
 * Index (within its plane) of each window's maximum: the first strict maximum, or the last NaN
 * (torch's `val > max || isnan(val)`, starting from the window's first position).
 */
export function maxPoolArgmax(x: Float32Array, xShape: readonly number[], yShape: readonly number[], a: MaxPool2DAttrs): Int32Array {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , ho, wo] = yShape as [number, number, number, number];
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const ph = a.pads[0];
  const pw = a.pads[2];
  const argmax = new Int32Array(n * c * ho * wo);
  if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && ph === 0 && pw === 0) {
    argmax2x2(x, argmax, n * c, h, w, ho, wo);
    return argmax;
  }
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      let hStart = oh * sh - ph;
      const hEnd = Math.min(hStart + (kh - 1) * dh + 1, h);
      while (hStart < 0) hStart += dh;
      for (let ow = 0; ow < wo; ow++) {
        let wStart = ow * sw - pw;
        const wEnd = Math.min(wStart + (kw - 1) * dw + 1, w);
        while (wStart < 0) wStart += dw;
        let best = -Infinity;
        let bestIndex = hStart * w + wStart;
        for (let ih = hStart; ih < hEnd; ih += dh) {
          for (let iw = wStart; iw < wEnd; iw += dw) {
            const index = ih * w + iw;
            const v = x[base + index] as number;
            // Branch-free (maxima of random data defeat branch prediction); once the first
            // element is seen, best is always the value at bestIndex.
            const take = Number(v > best) | Number(v !== v);
            bestIndex += take * (index - bestIndex);
            best = x[base + bestIndex] as number;
          }
        }
        argmax[o++] = bestIndex;
      }
    }
  }
  return argmax;
}

/** The divisor and clipped window of an average-pool output position (torch's avg_pool2d). */
function avgWindow(pos: number, stride: number, pad: number, kernel: number, size: number): [number, number, number] {
  let start = pos * stride - pad;
  let end = Math.min(start + kernel, size + pad);
  const padded = end - start;
  start = Math.max(start, 0);
  end = Math.min(end, size);
  return [start, end, padded];
}

/** The common 2×2, stride-2, unpadded window, unrolled (same rule and order as the general loop). */
function argmax2x2(x: Float32Array, argmax: Int32Array, planes: number, h: number, w: number, ho: number, wo: number): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      const row = 2 * oh * w;
      for (let ow = 0; ow < wo; ow++) {
        const first = row + 2 * ow;
        // The first element always wins against −∞ (or is NaN), so the chain starts from it.
        let bestIndex = first;
        let best = x[base + first] as number;
        let v = x[base + first + 1] as number;
        let take = Number(v > best) | Number(v !== v);
        bestIndex += take;
        best = x[base + bestIndex] as number;
        v = x[base + first + w] as number;
        take = Number(v > best) | Number(v !== v);
        bestIndex += take * (first + w - bestIndex);
        best = x[base + bestIndex] as number;
        v = x[base + first + w + 1] as number;
        take = Number(v > best) | Number(v !== v);
        bestIndex += take * (first + w + 1 - bestIndex);
        argmax[o++] = bestIndex;
      }
    }
  }
}

export function avgPoolForward(x: Float32Array, xShape: readonly number[], y: Float32Array, yShape: readonly number[], a: AvgPool2DAttrs): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , ho, wo] = yShape as [number, number, number, number];
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      const [h0, h1, hp] = avgWindow(oh, a.strides[0], a.pads[0], a.kernelSize[0], h);
      for (let ow = 0; ow < wo; ow++) {
        const [w0, w1, wp] = avgWindow(ow, a.strides[1], a.pads[2], a.kernelSize[1], w);
        // A float32 running sum in row-major window order, as torch's CPU kernel (so results match it bit for bit).
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) sum = Math.fround(sum + (x[base + ih * w + iw] as number));
        const divisor = a.divisorOverride ?? (a.countIncludePad ? hp * wp : (h1 - h0) * (w1 - w0));
        y[o++] = sum / divisor;
      }
    }
  }
}

export function avgPoolBackward(dy: Float32Array, dx: Float32Array, xShape: readonly number[], yShape: readonly number[], a: AvgPool2DAttrs): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [, , ho, wo] = yShape as [number, number, number, number];
  dx.fill(0);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oh = 0; oh < ho; oh++) {
      const [h0, h1, hp] = avgWindow(oh, a.strides[0], a.pads[0], a.kernelSize[0], h);
      for (let ow = 0; ow < wo; ow++) {
        const [w0, w1, wp] = avgWindow(ow, a.strides[1], a.pads[2], a.kernelSize[1], w);
        const divisor = a.divisorOverride ?? (a.countIncludePad ? hp * wp : (h1 - h0) * (w1 - w0));
        const g = (dy[o++] as number) / divisor;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) dx[base + ih * w + iw] = (dx[base + ih * w + iw] as number) + g;
      }
    }
  }
}
