import type { ClipAttrs, KernelConfig } from '@parvus/core';
import { Clip } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { clampExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { WasmHeap } from '../impl/wasm-heap.js';

/** torch.clamp with scalar bounds: NaN stays NaN, −0 stays −0. On tfjs-wasm float32: the SIMD clamp. */
export const clipConfig: KernelConfig<ClipAttrs> = {
  kernelName: Clip,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<ClipAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    expectDTypes(Clip, [x], ['float32', 'int32']);
    const heap = x.dtype === 'float32' && x.size > 0 ? WasmHeap.of(backend) : null;
    if (!heap) return clampExact(x, attrs.min, attrs.max, backend.semantics);
    // The bounds round to float32 on the way in, as torch casts a scalar bound to the tensor's dtype.
    const out = heap.output(x.shape);
    heap.kernels.clamp(heap.address(x), heap.address(out), x.size, attrs.min, attrs.max);
    return out;
  }),
};
