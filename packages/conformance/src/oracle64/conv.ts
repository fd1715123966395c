/**
 * Direct 2-D convolution (NCHW, cross-correlation as in PyTorch) and its two backprops, in float64.
 * The backprops are written as the adjoint scatter of the same index arithmetic, not as convolutions
 * of flipped kernels, so they do not share a derivation with the usual backend implementations.
 */
import type { Array64 } from './array64.js';
import { array64 } from './array64.js';

export interface ConvGeometry {
  strides: readonly [number, number];
  /** [top, bottom, left, right] */
  pads: readonly [number, number, number, number];
  dilations: readonly [number, number];
  groups: number;
}

export function convOutputLength(size: number, kernel: number, stride: number, before: number, after: number, dilation: number): number {
  return Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Calls visit(xIndex, wIndex, yIndex) for every product x·w that contributes to an output of the
 * convolution of an input [n, c, h, w] with a filter [o, c/groups, kh, kw].
 */
function forEachTap(
  xShape: readonly number[],
  wShape: readonly number[],
  g: ConvGeometry,
  visit: (xIndex: number, wIndex: number, yIndex: number) => void,
): [number, number, number, number] {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  if (cg * g.groups !== c || o % g.groups !== 0) throw new Error('oracle64 conv: channels do not match groups');
  const ho = convOutputLength(h, kh, g.strides[0], g.pads[0], g.pads[1], g.dilations[0]);
  const wo = convOutputLength(w, kw, g.strides[1], g.pads[2], g.pads[3], g.dilations[1]);
  const og = o / g.groups;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const group = Math.floor(oc / og);
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const yIndex = ((b * o + oc) * ho + oy) * wo + ox;
          for (let ic = 0; ic < cg; ic++) {
            const channel = group * cg + ic;
            for (let i = 0; i < kh; i++) {
              const iy = oy * g.strides[0] - g.pads[0] + i * g.dilations[0];
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = ox * g.strides[1] - g.pads[2] + j * g.dilations[1];
                if (ix < 0 || ix >= w) continue;
                visit(((b * c + channel) * h + iy) * w + ix, ((oc * cg + ic) * kh + i) * kw + j, yIndex);
              }
            }
          }
        }
      }
    }
  }
  return [n, o, ho, wo];
}

/** y[n, o, oy, ox] = Σ x[n, g·C/g + c, oy·s − p + i·d, ox·s − p + j·d] · w[o, c, i, j]. */
export function conv2d(x: Array64, w: Array64, g: ConvGeometry): Array64 {
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const [o, , kh, kw] = w.shape as [number, number, number, number];
  const ho = convOutputLength(h, kh, g.strides[0], g.pads[0], g.pads[1], g.dilations[0]);
  const wo = convOutputLength(wd, kw, g.strides[1], g.pads[2], g.pads[3], g.dilations[1]);
  const y = array64([n, o, ho, wo]);
  forEachTap(x.shape, w.shape, g, (xi, wi, yi) => {
    y.data[yi] = (y.data[yi] as number) + (x.data[xi] as number) * (w.data[wi] as number);
  });
  return y;
}

/** dx = ∂⟨dy, conv2d(x, w)⟩/∂x for an input of `inputShape` (also: transposed convolution of dy). */
export function conv2dBackpropInput(dy: Array64, w: Array64, g: ConvGeometry, inputShape: readonly number[]): Array64 {
  const dx = array64(inputShape);
  const outShape = forEachTap(inputShape, w.shape, g, (xi, wi, yi) => {
    dx.data[xi] = (dx.data[xi] as number) + (dy.data[yi] as number) * (w.data[wi] as number);
  });
  checkOutputShape(outShape, dy.shape);
  return dx;
}

/** dw = ∂⟨dy, conv2d(x, w)⟩/∂w for a filter of `filterShape`. */
export function conv2dBackpropFilter(x: Array64, dy: Array64, g: ConvGeometry, filterShape: readonly number[]): Array64 {
  const dw = array64(filterShape);
  const outShape = forEachTap(x.shape, filterShape, g, (xi, wi, yi) => {
    dw.data[wi] = (dw.data[wi] as number) + (x.data[xi] as number) * (dy.data[yi] as number);
  });
  checkOutputShape(outShape, dy.shape);
  return dw;
}

function checkOutputShape(expected: readonly number[], actual: readonly number[]): void {
  if (expected.length !== actual.length || expected.some((d, i) => d !== actual[i])) {
    throw new Error(`oracle64 conv: dy has shape [${actual.join(', ')}], the geometry gives [${expected.join(', ')}]`);
  }
}
