import type { KernelConfig } from '@parvus/core';
import { Where } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastFast } from '../impl/exact.js';
import { selectOnHeap } from '../impl/compare.js';
import { onHostDataTyped } from '../impl/host.js';
import { TINY_SIZE } from '../impl/tiny.js';
import { TFJS_KERNEL_BACKEND, nonEmptyBroadcast, tfjsKernel } from '../impl/kernel.js';

/**
 * where(condition, a, b) with all three broadcast together: a selection, never a blend. When every
 * operand is full-size or a single element (a gradient's `where(mask, g, 0)`), the SIMD select on
 * tfjs-wasm's heap (impl/compare.ts) or a loop over host data;
 * otherwise tf.where on operands broadcast first (tf.where would tile them, slowly on tfjs-wasm),
 * with bool operands selected as int32 (tfjs-wasm's select mishandles bool).
 */
export const whereConfig: KernelConfig = {
  kernelName: Where,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel(({ inputs, backend }) => {
    const [condition, a, b] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (condition.dtype !== 'bool') throw new Error(`condition must be bool, got ${condition.dtype}`);
    if (a.dtype !== b.dtype) throw new Error(`operand dtypes differ (${a.dtype}, ${b.dtype})`);
    const shape = nonEmptyBroadcast(condition.shape, a.shape, b.shape);
    if (!shape) {
      return tf.zeros(tf.broadcast_util.assertAndGetBroadcastShape(tf.broadcast_util.assertAndGetBroadcastShape(condition.shape, a.shape), b.shape), a.dtype);
    }
    const size = shape.reduce((p, d) => p * d, 1);
    const operands = [condition, a, b];
    if (operands.every((t) => t.size === size || t.size === 1)) {
      const selected = size > TINY_SIZE ? selectOnHeap(condition, a, b, shape, backend) : null;
      if (selected) return selected;
      const host = onHostDataTyped(backend, operands, shape, a.dtype as 'float32' | 'int32' | 'bool', ([c, x, y], out) => {
        const [c0, x0, y0] = [c![0] as number, x![0] as number, y![0] as number];
        const [cs, xs, ys] = operands.map((t) => t.size === 1 && size !== 1);
        for (let i = 0; i < out.length; i++) {
          out[i] = (cs ? c0 : (c![i] as number)) ? (xs ? x0 : (x![i] as number)) : ys ? y0 : (y![i] as number);
        }
      });
      if (host) return host;
    }
    const [c, x, y] = [condition, a.dtype === 'bool' ? tf.cast(a, 'int32') : a, b.dtype === 'bool' ? tf.cast(b, 'int32') : b]
      .map((t) => broadcastFast(t, shape));
    const selected = tf.where(c as tf.Tensor, x as tf.Tensor, y as tf.Tensor);
    return a.dtype === 'bool' ? tf.cast(selected, 'bool') : selected;
  }),
};
