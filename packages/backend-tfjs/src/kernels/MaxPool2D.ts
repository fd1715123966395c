import type { KernelConfig, MaxPool2DAttrs } from '@parvus/core';
import { MaxPool2D } from '@parvus/core';
import * as tf from '@tensorflow/tfjs-core';
import { reduceExtremumExact } from '../impl/exact.js';
import { TFJS_KERNEL_BACKEND, expectDTypes, tfjsKernel } from '../impl/kernel.js';
import { onHostData } from '../impl/host.js';
import { frame, poolPlan, windows } from '../impl/pool.js';
import { isPlain2x2, maxPoolForward } from '../impl/pool-host.js';
import { WasmHeap } from '../impl/wasm-heap.js';

/**
 * PyTorch's max pooling (ceil mode, dilation, −Inf padding); NaN propagates. 2×2 at stride 2 on
 * tfjs-wasm: the SIMD module's branch-free loop; else a loop on tfjs-wasm and tfjs-cpu data, else a
 * maximum over windows gathered with tfjs ops.
 */
export const maxPool2DConfig: KernelConfig<MaxPool2DAttrs> = {
  kernelName: MaxPool2D,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<MaxPool2DAttrs>(({ inputs, attrs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    expectDTypes(MaxPool2D, [x], ['float32']);
    const p = poolPlan(x.shape, attrs, attrs.dilations);
    const heap = x.size > 0 && isPlain2x2(p) ? WasmHeap.of(backend) : null;
    if (heap) {
      const y = heap.output([p.n, p.c, p.ho, p.wo]);
      heap.kernels.maxPool2x2(heap.address(x), heap.address(y), p.n * p.c, p.h, p.w, p.ho, p.wo);
      return y;
    }
    const host = onHostData(backend, [x], [p.n, p.c, p.ho, p.wo], ([values], out) => maxPoolForward(values!, out, p));
    if (host) return host;
    const framed = frame(x, p, -Infinity);
    if (p.tiled) {
      return reduceExtremumExact('max', tf.reshape(framed, [p.n, p.c, p.ho, p.kh, p.wo, p.kw]), [3, 5], false, backend.semantics);
    }
    return reduceExtremumExact('max', windows(framed, p), [4], false, backend.semantics);
  }),
};
