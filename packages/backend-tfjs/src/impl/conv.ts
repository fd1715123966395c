/**
 * 2-D convolution and its two gradients for every geometry of the contract (strides, asymmetric
 * pads, dilations, groups), built on tf.conv2d / tf.depthwiseConv2d in NHWC, which every tfjs
 * backend has. The gradients are convolutions too, so backends without Conv2DBackpropFilter
 * (tfjs-wasm) or without dilated or grouped backprops need nothing else:
 *
 *   dx = conv(dy with stride−1 zeros inserted, w flipped with in/out swapped), dilation d, stride 1
 *   dw = conv(x with batch and channels swapped, dy as the filter), stride d, dilation s
 *
 * (On tfjs-wasm and tfjs-cpu, whose data the host can address, dw is instead one matrix product
 * with the input's im2col, faster than that convolution with an image-sized filter; on tfjs-wasm dx
 * is one matrix product wᵀ·dy scattered back by col2im, since XNNPACK's convolution is slow with
 * few output channels, and a LeNet's first layer has one.)
 *
 * tfjs refuses a stride and a dilation both above 1; such a convolution runs at stride 1 and keeps
 * every s-th output.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { transposeOn } from './layout.js';
import { col2imOnHeap, im2col } from './im2col.js';
import { WasmHeap } from './wasm-heap.js';

export type Pair = readonly [number, number];
/** [top, bottom, left, right], as in the contract. */
export type Pads = readonly [number, number, number, number];

export interface ConvGeometry {
  strides: Pair;
  pads: Pads;
  dilations: Pair;
  groups: number;
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];

export function toNHWC(x: tf.Tensor, backend: TfjsBackend): tf.Tensor4D {
  return transposeOn(backend, x, NCHW_TO_NHWC) as tf.Tensor4D;
}

export function toNCHW(x: tf.Tensor, backend: TfjsBackend): tf.Tensor4D {
  return transposeOn(backend, x, NHWC_TO_NCHW) as tf.Tensor4D;
}

/** OIHW (the contract's weight layout) to HWIO (tfjs's filter layout). */
export function toHWIO(w: tf.Tensor): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
}

function explicit(pads: Pads): tf.backend_util.ExplicitPadding {
  return [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]];
}

/** Crop negative pads away (tfjs pads must be ≥ 0) and return what is left to pad. */
function cropNegativePads(x: tf.Tensor4D, pads: Pads): [tf.Tensor4D, Pads] {
  if (pads.every((p) => p >= 0)) return [x, pads];
  const [n, h, w, c] = x.shape;
  const [t, b, l, r] = pads.map((p) => Math.max(0, -p)) as [number, number, number, number];
  const cropped = tf.slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
  return [cropped, pads.map((p) => Math.max(0, p)) as unknown as Pads];
}

/**
 * x [N, H, W, C] ⋆ filter [kh, kw, C/groups, O] → [N, Ho, Wo, O], with the contract's geometry.
 * Negative pads crop the input.
 */
export function convNHWC(input: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const [x, pads] = cropNegativePads(input, g.pads);
  const { strides, dilations, groups } = g;
  const stridesAndDilations = (strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1);
  const runStrides: [number, number] = stridesAndDilations ? [1, 1] : [strides[0], strides[1]];
  const runDilations: [number, number] = [dilations[0], dilations[1]];
  const channels = x.shape[3];
  const [kh, kw, inPerGroup, outChannels] = filter.shape;
  const outPerGroup = outChannels / groups;
  if (inPerGroup * groups !== channels || !Number.isInteger(outPerGroup)) {
    throw new Error(`filter [${filter.shape.join(', ')}] does not fit ${channels} input channels in ${groups} groups`);
  }
  let y: tf.Tensor4D;
  if (groups === 1) {
    y = tf.conv2d(x, filter, runStrides, explicit(pads), 'NHWC', runDilations);
  } else if (inPerGroup === 1) {
    // One input channel per group: a depthwise convolution with outPerGroup outputs per channel.
    const depthwise = tf.reshape(filter, [kh, kw, channels, outPerGroup]) as tf.Tensor4D;
    y = tf.depthwiseConv2d(x, depthwise, runStrides, explicit(pads), 'NHWC', runDilations);
  } else {
    const xs = tf.split(x, groups, 3);
    const fs = tf.split(filter, groups, 3);
    const parts = xs.map((xg, i) => tf.conv2d(xg as tf.Tensor4D, fs[i] as tf.Tensor4D, runStrides, explicit(pads), 'NHWC', runDilations));
    y = tf.concat(parts, 3);
  }
  if (stridesAndDilations) {
    const [n, h, w, c] = y.shape;
    y = tf.stridedSlice(y, [0, 0, 0, 0], [n, h, w, c], [1, strides[0], strides[1], 1]) as tf.Tensor4D;
  }
  return y;
}

/** Insert stride−1 zeros between the rows and columns of x [N, H, W, C] → [N, (H−1)·sh+1, (W−1)·sw+1, C]. */
function insertZeros(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  if (h === 0 || w === 0) return tf.zeros([n, Math.max(0, (h - 1) * sh + 1), Math.max(0, (w - 1) * sw + 1), c]);
  const spread = tf.pad(tf.reshape(x, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape(spread, [n, h * sh, w * sw, c]), [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
}

/**
 * The gradient of conv2d with respect to x: dy [N, Ho, Wo, O], w OIHW [O, C/g, kh, kw] →
 * dx [N, H, W, C]. A stride-1 dilated convolution of zero-inserted dy with w flipped and its
 * in/out channels swapped within each group.
 */
export function convBackpropInputNHWC(dy: tf.Tensor4D, w: tf.Tensor4D, inputShape: readonly number[], g: ConvGeometry): tf.Tensor4D {
  const [, , h, width] = inputShape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape;
  const { strides, pads, dilations, groups } = g;
  const og = o / groups;
  const [ho, wo] = [dy.shape[1], dy.shape[2]];
  // filter [kh, kw, og, groups·cg]: flipped, with input (og) and output (cg) channels swapped per group.
  const filter = tf.reverse(
    tf.reshape(tf.transpose(tf.reshape(w, [groups, og, cg, kh, kw]), [3, 4, 1, 0, 2]), [kh, kw, og, groups * cg]),
    [0, 1],
  ) as tf.Tensor4D;
  const spread = insertZeros(dy, strides[0], strides[1]);
  const eh = dilations[0] * (kh - 1);
  const ew = dilations[1] * (kw - 1);
  const padsBack: Pads = [
    eh - pads[0],
    h + pads[0] - (ho - 1) * strides[0] - 1,
    ew - pads[2],
    width + pads[2] - (wo - 1) * strides[1] - 1,
  ];
  return convNHWC(spread, filter, { strides: [1, 1], pads: padsBack, dilations, groups });
}

/** Below this many input channels dx is a matrix product and col2im on tfjs-wasm. */
const FEW_CHANNELS = 16;

/**
 * The gradient of conv2d with respect to x on tfjs-wasm's heap (one group, unit width stride):
 * dy [N, O, Ho, Wo], w [O, C, kh, kw] → dx [N, C, H, W] as col2im of the per-position window
 * gradients dy [N·Ho·Wo, O] · w [O, C·kh·kw]. tfjs-wasm runs a product through XNNPACK only with a
 * batch of one and no transposed operand, and XNNPACK repacks the right operand on every call, so
 * the small weight is that operand; null elsewhere.
 */
export function convBackpropInputOnHeap(
  dy: tf.Tensor4D, w: tf.Tensor4D, inputShape: readonly number[], g: ConvGeometry, backend: TfjsBackend,
): tf.Tensor | null {
  const [n, o, ho, wo] = dy.shape;
  const [, c, kh, kw] = w.shape;
  // With many input channels XNNPACK's own convolution is faster (64 channels: ~9 ms against ~11).
  if (c >= FEW_CHANNELS || g.groups !== 1 || g.strides[1] !== 1 || dy.size === 0 || w.size === 0) return null;
  const heap = WasmHeap.of(backend);
  if (!heap) return null;
  const positions = ho * wo;
  const taps = c * kh * kw;
  const dyByPosition = tf.reshape(toNHWC(dy, backend), [1, n * positions, o]);
  const windows = tf.matMul(dyByPosition, tf.reshape(w, [1, o, taps])); // [1, N·P, C·kh·kw]
  const columns = transposeOn(backend, tf.reshape(windows, [n, positions, taps]), [0, 2, 1]); // [N, C·kh·kw, P]
  return col2imOnHeap(heap, columns, inputShape, [kh, kw], [ho, wo], g);
}

/**
 * The gradient of conv2d with respect to w: x [N, C, H, W] (NCHW), dy [N, O, Ho, Wo] (NCHW) →
 * dw OIHW [O, C/g, kh, kw]. A convolution over the batch: x as [C, H, W, N] (the batch as
 * channels), dy as the filter [Ho, Wo, N, O], with stride and dilation exchanged.
 */
export function convBackpropFilter(
  x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: readonly number[], g: ConvGeometry, backend: TfjsBackend,
): tf.Tensor4D {
  const transpose = (t: tf.Tensor, perm: number[]): tf.Tensor4D => transposeOn(backend, t, perm) as tf.Tensor4D;
  const [o, cg, kh, kw] = filterShape as [number, number, number, number];
  const [images, , ho, wo] = dy.shape;
  const columns = im2col(backend, x, [kh, kw], [ho, wo], g); // [groups, cg·kh·kw, N·Ho·Wo]
  if (columns) {
    // dwᵀ[group] = columns[group] · dy[group]ᵀ [N·Ho·Wo, og]: one product over every image
    // (tfjs-wasm multiplies untransposed operands ten times faster than transposed ones).
    const og = o / g.groups;
    const dyT = g.groups === 1
      ? tf.reshape(transpose(tf.reshape(dy, [images, o, ho * wo]), [0, 2, 1]), [1, images * ho * wo, o])
      : tf.reshape(tf.transpose(tf.reshape(dy, [images, g.groups, og, ho * wo]), [1, 0, 3, 2]), [g.groups, images * ho * wo, og]);
    const dwT = tf.matMul(columns, dyT); // [groups, cg·kh·kw, og]
    return tf.reshape(transpose(dwT, [0, 2, 1]), [o, cg, kh, kw]) as tf.Tensor4D;
  }
  const [n, c] = x.shape;
  const { strides, pads, dilations, groups } = g;
  const og = o / groups;
  const swapped: ConvGeometry = { strides: dilations, pads, dilations: strides, groups: 1 };
  const crop = (t: tf.Tensor4D): tf.Tensor4D => tf.slice(t, [0, 0, 0, 0], [t.shape[0], kh, kw, t.shape[3]]);
  if (groups === 1) {
    // [C, kh', kw', O] → [O, C, kh, kw]
    const dw = convNHWC(transpose(x, [1, 2, 3, 0]), transpose(dy, [2, 3, 0, 1]), swapped);
    return transpose(crop(dw), [3, 0, 1, 2]);
  }
  if (cg === 1) {
    // Depthwise: one depthwise convolution over [1, H, W, N·C] with dy as [Ho, Wo, N·C, og],
    // then a sum over the batch.
    const input = tf.reshape(tf.transpose(x, [2, 3, 0, 1]), [1, x.shape[2], x.shape[3], n * c]) as tf.Tensor4D;
    // [Ho, Wo, N·C, og], passed as [Ho, Wo, 1, N·C·og] (one input channel per group).
    const filter = tf.reshape(tf.transpose(tf.reshape(dy, [n, c, og, ho, wo]), [3, 4, 0, 1, 2]), [ho, wo, 1, n * c * og]) as tf.Tensor4D;
    const y = convNHWC(input, filter, { ...swapped, groups: n * c });
    const [, kh2, kw2] = y.shape;
    const perChannel = tf.sum(tf.reshape(y, [kh2, kw2, n, c, og]), 2); // [kh', kw', C, og]
    const cropped = tf.slice(perChannel, [0, 0, 0, 0], [kh, kw, c, og]);
    return tf.reshape(tf.transpose(cropped, [2, 3, 0, 1]), [o, 1, kh, kw]) as tf.Tensor4D;
  }
  const xs = tf.split(transpose(x, [1, 2, 3, 0]), groups, 0);
  const dys = tf.split(transpose(dy, [2, 3, 0, 1]), groups, 3);
  const parts = xs.map((xg, i) => tf.transpose(crop(convNHWC(xg as tf.Tensor4D, dys[i] as tf.Tensor4D, swapped)), [3, 0, 1, 2]));
  return tf.concat(parts, 0) as tf.Tensor4D;
}
