import type { KernelConfig } from '@parvus/core';
import { Relu } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { reluExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, unaryKernel } from '../impl/kernel.js';
import { WasmHeap } from '../impl/wasm-heap.js';
import type { TfjsBackend } from '../tfjs-backend.js';

/** torch.relu: +0 for negatives, −0 and NaN pass through. On tfjs-wasm: the SIMD clamp to [0, +Inf]. */
function relu(x: tf.Tensor, backend: TfjsBackend): tf.Tensor {
  const heap = x.size > 0 ? WasmHeap.of(backend) : null;
  if (!heap) return reluExact(x, backend.semantics);
  const out = heap.output(x.shape);
  heap.kernels.clamp(heap.address(x), heap.address(out), x.size, 0, Infinity);
  return out;
}

export const reluConfig: KernelConfig = {
  kernelName: Relu,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: unaryKernel(Relu, relu, (x, b) => reluExact(x, b.semantics)),
};
