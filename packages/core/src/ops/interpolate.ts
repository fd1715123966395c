/**
 * Upsampling of NCHW tensors (torch.nn.functional.interpolate, modes 'nearest' and 'bilinear').
 * Nearest copies rows and columns; bilinear follows torch's arithmetic order exactly.
 */
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import { formatShape } from '../util/shape.js';
import { tensor } from './creation.js';
import { add, mul } from './binary.js';
import { gatherSlices } from './gather-slices.js';
import { broadcastTo, reshape } from './shape.js';

export interface InterpolateOptions {
  size?: number | readonly [number, number];
  scaleFactor?: number | readonly [number, number];
  mode?: 'nearest' | 'bilinear';
  alignCorners?: boolean | null;
}

/** Output size and source-index scale per axis, as torch computes them. */
function axes(x: Tensor, options: InterpolateOptions): Array<{ inSize: number; outSize: number; scale: number }> {
  const inSizes = [x.shape[2] as number, x.shape[3] as number];
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new ValueError('interpolate: give exactly one of size and scaleFactor.');
  }
  return inSizes.map((inSize, i) => {
    if (options.size !== undefined) {
      const outSize = typeof options.size === 'number' ? options.size : (options.size[i] as number);
      return { inSize, outSize, scale: inSize / outSize };
    }
    const factor = typeof options.scaleFactor === 'number' ? options.scaleFactor : ((options.scaleFactor as readonly number[])[i] as number);
    if (!(factor > 0)) throw new ValueError(`interpolate: scaleFactor must be positive, got ${factor}.`);
    return { inSize, outSize: Math.floor(inSize * factor), scale: 1 / factor };
  });
}

/**
 * Source indices and weights of linear interpolation along one axis, computed in float32 as
 * torch's CPU kernel does (area_pixel_compute_source_index).
 */
function linearAxis(inSize: number, outSize: number, scale: number, alignCorners: boolean): { i0: number[]; i1: number[]; w0: Float32Array; w1: Float32Array } {
  const f = Math.fround;
  const step = alignCorners ? (outSize > 1 ? f((inSize - 1) / (outSize - 1)) : 0) : f(scale);
  const i0: number[] = [];
  const i1: number[] = [];
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    let src = alignCorners ? f(step * d) : f(f(step * f(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const low = Math.min(Math.trunc(src), inSize - 1);
    i0.push(low);
    i1.push(low < inSize - 1 ? low + 1 : low);
    w1[d] = f(src - low);
    w0[d] = f(1 - (w1[d] as number));
  }
  return { i0, i1, w0, w1 };
}

/**
 * Bilinear interpolation in torch's order: along the width first (x[w0]·λ0 + x[w1]·λ1), then
 * along the height, each product and sum rounded to float32, so results match torch bit for bit.
 */
function bilinear(x: Tensor, h: { inSize: number; outSize: number; scale: number }, w: { inSize: number; outSize: number; scale: number }, alignCorners: boolean): Tensor {
  const wa = linearAxis(w.inSize, w.outSize, w.scale, alignCorners);
  const ha = linearAxis(h.inSize, h.outSize, h.scale, alignCorners);
  const ww0 = tensor(wa.w0, [w.outSize]);
  const ww1 = tensor(wa.w1, [w.outSize]);
  const rows = add(mul(gatherSlices(x, 3, wa.i0), ww0), mul(gatherSlices(x, 3, wa.i1), ww1));
  const hw0 = tensor(ha.w0, [h.outSize, 1]);
  const hw1 = tensor(ha.w1, [h.outSize, 1]);
  return add(mul(gatherSlices(rows, 2, ha.i0), hw0), mul(gatherSlices(rows, 2, ha.i1), hw1));
}

/** Nearest along one axis: output index d takes input floor(d · scale). */
function nearestAxis(x: Tensor, axis: number, inSize: number, outSize: number, scale: number): Tensor {
  const factor = outSize / inSize;
  if (Number.isInteger(factor) && Math.abs(scale * factor - 1) < 1e-12) {
    // Integer upsampling: repeat each element `factor` times.
    const expandedShape = [...x.shape.slice(0, axis + 1), 1, ...x.shape.slice(axis + 1)];
    const target = [...expandedShape];
    target[axis + 1] = factor;
    const shape = [...x.shape];
    shape[axis] = outSize;
    return reshape(broadcastTo(reshape(x, expandedShape), target), shape);
  }
  const indices = Array.from({ length: outSize }, (_, d) => Math.min(Math.floor(d * scale), inSize - 1));
  return gatherSlices(x, axis, indices, true);
}

export const interpolate = op('interpolate', (x: Tensor, options: InterpolateOptions): Tensor => {
  if (x.rank !== 4) throw new ShapeError(`interpolate: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  const mode = options.mode ?? 'nearest';
  const [h, w] = axes(x, options) as [{ inSize: number; outSize: number; scale: number }, { inSize: number; outSize: number; scale: number }];
  if (mode === 'nearest') {
    if (options.alignCorners) throw new ValueError("interpolate: alignCorners only applies to mode 'bilinear'.");
    return nearestAxis(nearestAxis(x, 2, h.inSize, h.outSize, h.scale), 3, w.inSize, w.outSize, w.scale);
  }
  if (mode !== 'bilinear') throw new ValueError(`interpolate: unsupported mode '${String(mode)}' (use 'nearest' or 'bilinear').`);
  return bilinear(x, h, w, options.alignCorners ?? false);
});
