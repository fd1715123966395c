import type { KernelConfig, ReduceAttrs } from '@parvus/core';
import { Sum } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';
import { transposeOn } from '../impl/layout.js';
import { WasmHeap } from '../impl/wasm-heap.js';
import type { TfjsBackend } from '../tfjs-backend.js';

/** Runs of adjacent axes that are all reduced or all kept: [size, reduced] each (size-1 axes dropped). */
function blocksOf(shape: readonly number[], axes: readonly number[]): Array<[number, boolean]> {
  const blocks: Array<[number, boolean]> = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const reduced = axes.includes(i);
    const last = blocks[blocks.length - 1];
    if (last && last[1] === reduced) last[0] *= d;
    else blocks.push([d, reduced]);
  });
  return blocks;
}

/**
 * A float32 sum on tfjs-wasm's heap: each output adds its elements in the index order of the
 * reduced axes, in float64, rounded once, which is what tfjs-cpu and the reference backend compute
 * (tfjs-wasm itself accumulates in float32, so learned-scale gradients drifted from the Brevitas
 * fixtures). When the last axis is reduced (a bias gradient's [0, 2, 3], a whole-tensor sum) the
 * loops read the input where it is; otherwise the reduced axes are moved last first.
 */
function sumOnHeap(heap: WasmHeap, backend: TfjsBackend, x: tf.Tensor, axes: readonly number[], outShape: number[]): tf.Tensor {
  const blocks = blocksOf(x.shape, axes);
  const last = blocks[blocks.length - 1];
  if (last && !last[1] && blocks.some(([, reduced]) => reduced)) {
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const moved = transposeOn(backend, x, [...kept, ...axes]);
    return sumOnHeap(heap, backend, moved, axes.map((_, i) => kept.length + i), outShape);
  }
  const out = heap.output(outShape);
  // Views after the last allocation (an allocation may grow the heap and detach them).
  const source = heap.view(x);
  const target = heap.view(out);
  // The last block, when reduced, is the contiguous inner run; the others are walked by odometers.
  const inner = last && last[1] ? last[0] : 1;
  const walked = last && last[1] ? blocks.slice(0, -1) : blocks;
  const strides: number[] = [];
  for (let i = walked.length - 1, stride = inner; i >= 0; i--) {
    strides[i] = stride;
    stride *= (walked[i] as [number, boolean])[0];
  }
  const outer = walked.map(([size, reduced], i) => ({ size, reduced, stride: strides[i] as number }));
  const keptBlocks = outer.filter((b) => !b.reduced);
  const reducedBlocks = outer.filter((b) => b.reduced);
  const runs = reducedBlocks.reduce((p, b) => p * b.size, 1);
  const keptIndex = new Array<number>(keptBlocks.length).fill(0);
  const reducedIndex = new Array<number>(reducedBlocks.length).fill(0);
  let base = 0;
  for (let o = 0; o < target.length; o++) {
    let acc = 0;
    let offset = base;
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < inner; i++) acc += source[offset + i] as number;
      // Next reduced position (odometer, last reduced block fastest).
      for (let b = reducedBlocks.length - 1; b >= 0; b--) {
        const block = reducedBlocks[b] as { size: number; stride: number };
        offset += block.stride;
        if (++(reducedIndex[b] as number) < block.size) break;
        reducedIndex[b] = 0;
        offset -= block.size * block.stride;
      }
    }
    target[o] = acc;
    for (let b = keptBlocks.length - 1; b >= 0; b--) {
      const block = keptBlocks[b] as { size: number; stride: number };
      base += block.stride;
      if (++(keptIndex[b] as number) < block.size) break;
      keptIndex[b] = 0;
      base -= block.size * block.stride;
    }
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
