import type { KernelConfig, MaxPool2DGradAttrs } from '@parvus/core';
import { MaxPool2DGrad } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { reduceExtremumExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { onHostData } from '../impl/host.js';
import { frame, poolPlan, scatterWindows, tapsInBounds, unframe, windows } from '../impl/pool.js';
import { isPlain2x2, maxPoolBackward } from '../impl/pool-host.js';
import { WasmHeap } from '../impl/wasm-heap.js';

/**
 * Routes dy to the maximum of each window of x, as torch: the first maximum in row-major order
 * among the taps inside the input, or the last NaN when the window holds NaN. 2×2 at stride 2 on
 * tfjs-wasm: the SIMD module's branch-free loop; else a loop on tfjs-wasm and tfjs-cpu data, else
 * one-hot masks over gathered windows, scattered back with tfjs ops.
 */
export const maxPool2DGradConfig: KernelConfig<MaxPool2DGradAttrs> = {
  kernelName: MaxPool2DGrad,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<MaxPool2DGradAttrs>(({ inputs, attrs, backend }) => {
    const [dy, x] = inputs as [tf.Tensor, tf.Tensor];
    expectDTypes(MaxPool2DGrad, [dy, x], ['float32']);
    const p = poolPlan(x.shape, attrs, attrs.dilations);
    const heap = x.size > 0 && isPlain2x2(p) ? WasmHeap.of(backend) : null;
    if (heap) {
      const dx = heap.output(x.shape);
      if (2 * p.ho < p.h || 2 * p.wo < p.w) heap.view(dx).fill(0);
      heap.kernels.maxPool2x2Grad(heap.address(dy), heap.address(x), heap.address(dx), p.n * p.c, p.h, p.w, p.ho, p.wo);
      return dx;
    }
    const host = onHostData(backend, [dy, x], x.shape, ([g, values], out) => maxPoolBackward(g!, values!, out, p));
    if (host) return host;
    const k = p.kh * p.kw;
    const taps = windows(frame(x, p, -Infinity), p); // [N, C, Ho, Wo, K]
    const inside = tapsInBounds(p);
    const maximum = reduceExtremumExact('max', taps, [4], true, backend.semantics);
    const first = tf.argMax(tf.cast(tf.logicalAnd(tf.equal(taps, maximum), inside), 'int32'), 4);
    const nan = tf.logicalAnd(tf.isNaN(taps), inside);
    const lastNaN = tf.sub(tf.scalar(k - 1, 'int32'), tf.argMax(tf.reverse(tf.cast(nan, 'int32'), 4), 4));
    const index = tf.where(tf.any(nan, 4), lastNaN, first);
    const routed = tf.mul(tf.cast(tf.oneHot(index, k), 'float32'), tf.expandDims(dy, 4));
    return unframe(scatterWindows(routed, p), p);
  }),
};
