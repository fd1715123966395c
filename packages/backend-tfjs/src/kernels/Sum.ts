import type { KernelConfig, ReduceAttrs } from '@parvus/core';
import { Sum } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';
import { transposeOn } from '../impl/layout.js';
import { WasmHeap } from '../impl/wasm-heap.js';
import type { TfjsBackend } from '../tfjs-backend.js';

/**
 * A float32 sum on tfjs-wasm's heap: reduced axes moved last, each run added in index order in
 * float64 and rounded once, which is what tfjs-cpu and the reference backend compute (tfjs-wasm
 * itself accumulates in float32, so learned-scale gradients drifted from the Brevitas fixtures).
 */
function sumOnHeap(heap: WasmHeap, backend: TfjsBackend, x: tf.Tensor, axes: readonly number[], outShape: number[]): tf.Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const arranged = perm.every((p, i) => p === i) ? x : transposeOn(backend, x, perm);
  const inner = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
  const out = heap.output(outShape);
  // Views after the last allocation (an allocation may grow the heap and detach them).
  const source = heap.view(arranged);
  const target = heap.view(out);
  for (let o = 0, base = 0; o < target.length; o++, base += inner) {
    let acc = 0;
    for (let i = 0; i < inner; i++) acc += source[base + i] as number;
    target[o] = acc;
  }
  return out;
}

/** Sum over axes (none: the identity); bool and int32 sum to int32. */
export const sumConfig: KernelConfig<ReduceAttrs> = {
  kernelName: Sum,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<ReduceAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    const values = x.dtype === 'float32' ? x : tf.cast(x, 'int32');
    // tf.sum with no axes would reduce everything.
    if (attrs.axes.length === 0) return values === x ? tf.clone(x) : values;
    const outShape = x.shape.flatMap((d, i) => (attrs.axes.includes(i) ? (attrs.keepDims ? [1] : []) : [d]));
    // tfjs-wasm leaves sums over an empty axis uninitialised.
    if (x.size === 0) return tf.zeros(outShape, values.dtype);
    const heap = x.dtype === 'float32' ? WasmHeap.of(backend) : null;
    if (heap) return sumOnHeap(heap, backend, x, attrs.axes, outShape);
    return tf.sum(values, attrs.axes, attrs.keepDims);
  }),
};
