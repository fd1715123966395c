/**
 * Kernels written as plain loops over float32 data, for the tfjs backends whose data the host can
 * address cheaply: tfjs-wasm (views of its heap, no copy) and tfjs-cpu (its own arrays). Used where
 * tfjs has no fitting op and a composite of tfjs ops would make many passes (pooling gradients,
 * im2col, exact sums). Other tfjs backends (GPUs, tfjs-node) take the tfjs-op composites.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, typedArrayFor } from '@parvus/core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { WasmHeap } from './wasm-heap.js';

/** tfjs backends other than wasm whose data `dataSync` hands out without a download (no GPU). */
const HOST_BACKENDS = new Set(['cpu']);

/** Whether `dataSync` on this backend's tensors is a host copy rather than a GPU download. */
export function isHostBackend(backend: TfjsBackend): boolean {
  return HOST_BACKENDS.has(backend.tfjsBackendName);
}

export type HostArray = Float32Array | Int32Array | Uint8Array;

/**
 * Run `compute` on the inputs' float32 data and a fresh output of `shape`, or return null when the
 * backend's data is not on the host. `compute` must not create tf tensors (on tfjs-wasm an
 * allocation can grow the heap and detach the views it was given).
 */
export function onHostData(
  backend: TfjsBackend, inputs: readonly tf.Tensor[], shape: readonly number[],
  compute: (inputs: Float32Array[], out: Float32Array) => void,
): tf.Tensor | null {
  if (inputs.some((t) => t.dtype !== 'float32')) return null;
  return onHostDataTyped(backend, inputs, shape, 'float32', compute as (inputs: HostArray[], out: HostArray) => void);
}

/** As `onHostData`, for inputs and an output of any dtype (bool as 0/1 bytes). */
export function onHostDataTyped(
  backend: TfjsBackend, inputs: readonly tf.Tensor[], shape: readonly number[], dtype: 'float32' | 'int32' | 'bool',
  compute: (inputs: HostArray[], out: HostArray) => void,
): tf.Tensor | null {
  if (!backend.hostKernels) return null;
  const heap = WasmHeap.of(backend);
  if (heap) {
    const out = heap.output(shape, dtype);
    compute(inputs.map((t) => heap.typedView(t)), heap.typedView(out));
    return out;
  }
  if (!isHostBackend(backend)) return null;
  const out = typedArrayFor(dtype, sizeOf(shape)) as HostArray;
  compute(inputs.map((t) => t.dataSync() as HostArray), out);
  return tf.tensor(out, [...shape], dtype);
}
