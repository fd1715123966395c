/** Transposes, through the heap's SIMD-module transpose on tfjs-wasm where the permutation allows. */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { WasmHeap } from './wasm-heap.js';

/**
 * [prefix, a, b] when `perm` swaps two adjacent blocks of axes after a fixed prefix
 * (e.g. [0, 2, 3, 1]: prefix 1, blocks [1] and [2, 3]); null otherwise.
 */
function blockSwap(perm: readonly number[]): [number, number, number] | null {
  const rank = perm.length;
  let prefix = 0;
  while (prefix < rank && perm[prefix] === prefix) prefix++;
  if (prefix === rank) return null;
  // perm = [0..prefix−1, b0..rank−1, prefix..b0−1]
  const b0 = perm[prefix] as number;
  const tail = rank - b0;
  for (let i = 0; i < tail; i++) if (perm[prefix + i] !== b0 + i) return null;
  for (let i = 0; i < b0 - prefix; i++) if (perm[prefix + tail + i] !== prefix + i) return null;
  return [prefix, b0, rank];
}

export function transposeOn(backend: TfjsBackend, x: tf.Tensor, perm: readonly number[]): tf.Tensor {
  const swap = blockSwap(perm);
  const heap = swap && x.dtype !== 'bool' && x.size > 0 ? WasmHeap.of(backend) : null;
  if (!swap || !heap) return tf.transpose(x, [...perm]);
  const [prefix, b0, rank] = swap;
  const product = (from: number, to: number): number => x.shape.slice(from, to).reduce((p, d) => p * d, 1);
  const out = heap.output(perm.map((p) => x.shape[p] as number), x.dtype);
  heap.kernels.transpose(heap.address(x), heap.address(out), product(0, prefix), product(prefix, b0), product(b0, rank));
  return out;
}
