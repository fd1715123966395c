/**
 * Kernels written as plain loops over float32 data, for the tfjs backends whose data the host can
 * address cheaply: tfjs-wasm (views of its heap, no copy) and tfjs-cpu (its own arrays). Used where
 * tfjs has no fitting op and a composite of tfjs ops would make many passes (pooling gradients,
 * im2col, exact sums). Other tfjs backends (GPUs, tfjs-node) take the tfjs-op composites.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { WasmHeap } from './wasm-heap.js';

/** tfjs backends whose float32 data `dataSync` hands out without a download or a copy. */
const HOST_BACKENDS = new Set(['cpu']);

/**
 * Run `compute` on the inputs' float32 data and a fresh output of `shape`, or return null when the
 * backend's data is not on the host. `compute` must not create tf tensors (on tfjs-wasm an
 * allocation can grow the heap and detach the views it was given).
 */
export function onHostData(
  backend: TfjsBackend, inputs: readonly tf.Tensor[], shape: readonly number[],
  compute: (inputs: Float32Array[], out: Float32Array) => void,
): tf.Tensor | null {
  if (!backend.hostKernels || inputs.some((t) => t.dtype !== 'float32')) return null;
  const heap = WasmHeap.of(backend);
  if (heap) {
    const out = heap.output(shape);
    compute(inputs.map((t) => heap.view(t)), heap.view(out));
    return out;
  }
  if (!HOST_BACKENDS.has(backend.tfjsBackendName)) return null;
  const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
  compute(inputs.map((t) => t.dataSync() as Float32Array), out);
  return tf.tensor(out, [...shape], 'float32');
}

type HostArray = Float32Array | Int32Array | Uint8Array;

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
  if (!HOST_BACKENDS.has(backend.tfjsBackendName)) return null;
  const size = shape.reduce((p, d) => p * d, 1);
  const out = dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  compute(inputs.map((t) => t.dataSync() as HostArray), out);
  return tf.tensor(out, [...shape], dtype);
}
