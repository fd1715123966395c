import type { KernelConfig, KthValueAttrs } from '@parvus/core';
import { KthValue, kthValueSelect } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { onHostDataTyped } from '../impl/host.js';


/**
 * The k-th smallest along an axis and its index, NaN sorting above every number (torch.kthvalue).
 *
 * The value comes from tf.topk on the smaller side (the k smallest of −x, or the n−k+1 largest of x)
 * with NaN replaced by +Inf, then becomes NaN where fewer than k values are numbers. Among tied
 * elements the tfjs-op path takes the (k − #smaller)-th element holding the value; on backends with
 * host data (wasm, cpu) the selection is torch's own quickselect, so the index is torch's as the
 * contract asks (GPU backends may pick another of the tied elements).
 */
export const kthValueConfig: KernelConfig<KthValueAttrs> = {
  kernelName: KthValue,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<KthValueAttrs>(({ inputs, attrs, backend }) => {
    const input = inputs[0] as tf.Tensor;
    expectDTypes(KthValue, [input], ['float32', 'int32']);
    const { k, keepDims } = attrs;
    // topk works on the last axis: move the axis there.
    const x0 = input.rank === 0 ? tf.reshape(input, [1]) : input;
    const axis = input.rank === 0 ? 0 : attrs.axis;
    const rank = x0.rank;
    const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
    const x = axis === rank - 1 ? x0 : tf.transpose(x0, perm);
    const n = x.shape[rank - 1] as number;
    if (!(k >= 1 && k <= n)) throw new Error(`k=${k} is out of range for a dimension of ${n}`);

    const outShape = input.shape.flatMap((d, i) => (i === axis ? (keepDims ? [1] : []) : [d]));
    const host = hostKthValue(backend, x, n, k, input.dtype as 'float32' | 'int32');
    if (host) return [tf.reshape(host[0], outShape), tf.reshape(host[1], outShape)];

    const isFloat = x.dtype === 'float32';
    const nan = isFloat ? tf.isNaN(x) : null;
    const key = nan ? tf.where(nan, tf.fill(x.shape, Infinity), x) : x;
    let value: tf.Tensor;
    if (k <= n - k + 1) {
      // The k smallest: the k largest of an order-reversing map (−x, or −1 − x for int32 to avoid overflow).
      const reversed = isFloat ? tf.neg(key) : tf.sub(tf.scalar(-1, 'int32'), key);
      const top = tf.topk(reversed, k, false).values;
      const kth = tf.min(top, -1);
      value = isFloat ? tf.neg(kth) : tf.sub(tf.scalar(-1, 'int32'), kth);
    } else {
      value = tf.min(tf.topk(key, n - k + 1, false).values, -1);
    }
    if (nan) {
      const numbers = tf.sub(tf.scalar(n, 'int32'), tf.sum(tf.cast(nan, 'int32'), -1));
      value = tf.where(tf.less(numbers, tf.scalar(k, 'int32')), tf.fill(value.shape, NaN), value);
    }
    const expanded = tf.expandDims(value, -1);
    let match = tf.equal(x, expanded);
    let smaller = tf.sum(tf.cast(tf.less(x, expanded), 'int32'), -1);
    if (nan) {
      const valueIsNaN = tf.isNaN(value);
      match = tf.logicalOr(match, tf.logicalAnd(nan, tf.expandDims(valueIsNaN, -1)));
      // Every number sorts below NaN.
      smaller = tf.where(valueIsNaN, tf.sub(tf.scalar(n, 'int32'), tf.sum(tf.cast(nan, 'int32'), -1)), smaller);
    }
    const occurrence = tf.sub(tf.scalar(k, 'int32'), smaller); // 1-based among the tied elements
    const seen = tf.cumsum(tf.cast(match, 'int32'), rank - 1); // tf.cumsum takes no negative axis
    const index = tf.argMax(tf.cast(tf.logicalAnd(match, tf.equal(seen, tf.expandDims(occurrence, -1))), 'int32'), -1);
    return [tf.reshape(value, outShape), tf.reshape(index, outShape)];
  }),
};

/** Values and indices of the k-th smallest of each last-axis row of x, on host data; null elsewhere. */
function hostKthValue(backend: Parameters<typeof onHostDataTyped>[0], x: tf.Tensor, n: number, k: number, dtype: 'float32' | 'int32'): [tf.Tensor, tf.Tensor] | null {
  const rows = n === 0 ? 0 : x.size / n;
  const order = new Int32Array(n);
  // Each row is selected once; the values are then read at the indices found.
  const picked = new Int32Array(rows);
  const indices = onHostDataTyped(backend, [x], [rows], 'int32', ([v], out) => {
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < n; d++) order[d] = d;
      picked[r] = kthValueSelect((v as Float32Array | Int32Array).subarray(r * n, (r + 1) * n), order, k - 1);
      out[r] = picked[r] as number;
    }
  });
  if (!indices) return null;
  const values = onHostDataTyped(backend, [x], [rows], dtype, ([v], out) => {
    for (let r = 0; r < rows; r++) out[r] = (v as Float32Array | Int32Array)[r * n + (picked[r] as number)] as number;
  });
  return values ? [values, indices] : null;
}
