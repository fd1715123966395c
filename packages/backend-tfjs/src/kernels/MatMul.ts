import type { KernelConfig, MatMulAttrs } from '@parvus/core';
import { MatMul, broadcastShapes } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { broadcastFast } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { transposeOn } from '../impl/layout.js';
import { WasmHeap } from '../impl/wasm-heap.js';

const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** The permutation swapping the last two axes. */
function swapLastTwo(rank: number): number[] {
  return [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
}

/**
 * Batched matrix product with NumPy-broadcast batch dimensions. tfjs broadcasts only a batch of
 * one, so other broadcasts are materialised first. On tfjs-wasm, transposed operands are
 * transposed first: its matrix product is about ten times slower with transposeA/B set.
 */
export const matMulConfig: KernelConfig<MatMulAttrs> = {
  kernelName: MatMul,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<MatMulAttrs>(({ inputs, attrs, backend }) => {
    let [a, b] = inputs as [tf.Tensor, tf.Tensor];
    expectDTypes(MatMul, [a, b], ['float32']);
    if (a.rank < 2 || b.rank < 2) throw new Error(`operands must have rank ≥ 2, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
    const { transposeA, transposeB } = attrs;
    const [aRows, aCols] = a.shape.slice(-2) as [number, number];
    const [bRows, bCols] = b.shape.slice(-2) as [number, number];
    const m = transposeA ? aCols : aRows;
    const k = transposeA ? aRows : aCols;
    const n = transposeB ? bRows : bCols;
    const kb = transposeB ? bCols : bRows;
    if (k !== kb) throw new Error(`inner dimensions differ (${k} vs ${kb})`);
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const batch = broadcastShapes(aBatch, bBatch);
    const outShape = [...batch, m, n];
    if (k === 0 || product(outShape) === 0) return tf.zeros(outShape);
    const full = (shape: readonly number[]): boolean => shape.length === batch.length && shape.every((d, i) => d === batch[i]);
    if (product(aBatch) !== 1 && !full(aBatch)) a = broadcastFast(a, [...batch, aRows, aCols]);
    if (product(bBatch) !== 1 && !full(bBatch)) b = broadcastFast(b, [...batch, bRows, bCols]);
    if (WasmHeap.of(backend) && (transposeA || transposeB)) {
      if (transposeA) a = transposeOn(backend, a, swapLastTwo(a.rank));
      if (transposeB) b = transposeOn(backend, b, swapLastTwo(b.rank));
      return tf.reshape(tf.matMul(a, b), outShape);
    }
    // A batch of one on either side broadcasts in tfjs; the result is reshaped to the full batch.
    return tf.reshape(tf.matMul(a, b, transposeA, transposeB), outShape);
  }),
};
