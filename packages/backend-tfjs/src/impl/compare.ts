/**
 * Comparisons and `where` through the SIMD module on tfjs-wasm's heap, for operands that are full
 * size or a single element (a ReLU's gradient is where(y > 0, dy, 0)): tfjs-wasm's own comparison
 * and select kernels walk broadcast indices one element at a time.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { WasmHeap } from './wasm-heap.js';

export type Comparison = 'Gt' | 'Ge' | 'Lt' | 'Le' | 'Eq' | 'Ne';

/** a OP b ⟺ b MIRROR(OP) a */
const MIRRORED: Record<Comparison, Comparison> = { Gt: 'Lt', Ge: 'Le', Lt: 'Gt', Le: 'Ge', Eq: 'Eq', Ne: 'Ne' };

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * a OP b on float32 operands broadcast to `shape` (non-empty), as bool; null unless on tfjs-wasm's
 * heap with each operand of `shape`'s size or a single element.
 */
export function compareOnHeap(op: Comparison, a: tf.Tensor, b: tf.Tensor, shape: readonly number[], backend: TfjsBackend): tf.Tensor | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const size = sizeOf(shape);
  const [full, other, kind] = a.size === size ? [a, b, op] : [b, a, MIRRORED[op]];
  if (full.size !== size || (other.size !== size && other.size !== 1)) return null;
  const heap = WasmHeap.of(backend);
  if (!heap) return null;
  const out = heap.output(shape, 'bool');
  const run = other.size === size ? heap.kernels[`compare${kind}Full`] : heap.kernels[`compare${kind}`];
  run(heap.address(full), heap.address(other), heap.address(out), size);
  return out;
}

/**
 * where(condition, a, b) on 4-byte operands (float32, int32) broadcast to `shape` (non-empty); null
 * unless on tfjs-wasm's heap with a full-size condition and each operand full size or one element.
 */
export function selectOnHeap(condition: tf.Tensor, a: tf.Tensor, b: tf.Tensor, shape: readonly number[], backend: TfjsBackend): tf.Tensor | null {
  if (a.dtype === 'bool' || condition.dtype !== 'bool') return null;
  const size = sizeOf(shape);
  const fits = (t: tf.Tensor): boolean => t.size === size || t.size === 1;
  if (condition.size !== size || !fits(a) || !fits(b)) return null;
  const heap = WasmHeap.of(backend);
  if (!heap) return null;
  const out = heap.output(shape, a.dtype);
  // A one-element operand of a one-element output is as good as full.
  const variant = `select${a.size === size ? 'F' : 'S'}${b.size === size ? 'F' : 'S'}` as const;
  heap.kernels[variant](heap.address(condition), heap.address(a), heap.address(b), heap.address(out), size);
  return out;
}
