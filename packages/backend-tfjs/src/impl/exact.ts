/**
 * Elementwise ops with torch's semantics at the edges (NaN, −0), built from tfjs ops. Each takes the
 * native tfjs op where the probe (semantics.ts) found it exact, else an exact composite. Empty
 * tensors take the native op (tf.where broadcasts an empty shape against a scalar to [1]).
 *
 * Constants given to tf.where are filled to full shape first: tf.where broadcasts with tf.tile,
 * which tfjs-wasm runs about a hundred times slower than a fill.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsSemantics } from './semantics.js';

/** torch.round: half to even, a zero result keeps the sign of x (round(−0.3) = −0). */
export function roundExact(x: tf.Tensor, semantics: TfjsSemantics): tf.Tensor {
  if (semantics.roundIsTorchRound || x.size === 0) return tf.round(x);
  let r: tf.Tensor;
  if (semantics.roundTiesToEven) {
    r = tf.round(x);
  } else {
    // floor, then up when the fraction is above one half, or exactly one half from an odd floor.
    // x − floor(x) is exact in float32; NaN and ±Inf fall through as floor(x).
    const f = tf.floor(x);
    const fraction = tf.sub(x, f);
    const odd = tf.equal(tf.sub(f, tf.mul(tf.floor(tf.mul(f, 0.5)), 2)), 1);
    const up = tf.logicalOr(tf.greater(fraction, 0.5), tf.logicalAnd(tf.equal(fraction, 0.5), odd));
    r = tf.where(up, tf.add(f, 1), f);
  }
  // x · 0 is a zero with the sign of x (x is finite wherever r is 0).
  return tf.where(tf.equal(r, 0), tf.mul(x, 0), r);
}

/**
 * torch.clamp with scalar bounds: lo' = v < lo ? lo : v, then hi < lo' ? hi : lo' (std::min(std::max)),
 * so NaN passes and −0 stays. Infinite bounds are no bounds.
 */
export function clampExact(x: tf.Tensor, lo: number, hi: number, semantics: TfjsSemantics): tf.Tensor {
  if (x.size === 0) return tf.clone(x);
  if (x.dtype === 'float32' && semantics.clipIsTorchClamp && lo <= hi) return tf.clipByValue(x, lo, hi);
  let y = x;
  if (lo !== -Infinity) {
    const bound = tf.fill(x.shape, lo, x.dtype);
    y = tf.where(tf.less(y, bound), bound, y);
  }
  if (hi !== Infinity) {
    const bound = tf.fill(x.shape, hi, x.dtype);
    y = tf.where(tf.less(bound, y), bound, y);
  }
  return y === x ? tf.clone(x) : y;
}

/** torch.maximum / torch.minimum on float32: NaN when either operand is NaN. */
export function extremumExact(kind: 'max' | 'min', a: tf.Tensor, b: tf.Tensor, semantics: TfjsSemantics): tf.Tensor {
  const r = kind === 'max' ? tf.maximum(a, b) : tf.minimum(a, b);
  if (a.dtype !== 'float32' || semantics.extremaPropagateNaN || r.size === 0) return r;
  return tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), tf.fill(r.shape, NaN), r);
}

/** torch.relu: x < 0 ? +0 : x (−0 and NaN pass through). */
export function reluExact(x: tf.Tensor, semantics: TfjsSemantics): tf.Tensor {
  if (x.dtype !== 'float32' || semantics.maximumZeroIsRelu || x.size === 0) return tf.maximum(x, tf.scalar(0, x.dtype));
  return tf.where(tf.less(x, 0), tf.zerosLike(x), x);
}

/** torch.amax / torch.amin over axes: NaN for a slice holding NaN. */
export function reduceExtremumExact(kind: 'max' | 'min', x: tf.Tensor, axes: number[], keepDims: boolean, semantics: TfjsSemantics): tf.Tensor {
  const r = kind === 'max' ? tf.max(x, axes, keepDims) : tf.min(x, axes, keepDims);
  if (x.dtype !== 'float32' || semantics.reductionsPropagateNaN || r.size === 0) return r;
  return tf.where(tf.any(tf.isNaN(x), axes, keepDims), tf.fill(r.shape, NaN), r);
}

/**
 * `t` broadcast to `shape` through a broadcasting binary op with ones (· 1 keeps −0; ∧ true for
 * bool): one pass, where tf.broadcastTo tiles.
 */
export function broadcastFast(t: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (same) return t;
  return t.dtype === 'bool' ? tf.logicalAnd(t, tf.ones([...shape], 'bool')) : tf.mul(t, tf.ones([...shape], t.dtype));
}
