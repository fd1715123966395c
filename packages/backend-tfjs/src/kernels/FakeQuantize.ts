import type { FakeQuantizeAttrs, KernelConfig } from '@parvus/core';
import { FakeQuantize } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { fakeQuantizeTfjs } from '../impl/fake-quantize.js';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';

/**
 * The optional fused kernel, bit-identical to core's composite: a WebAssembly SIMD loop on tfjs-wasm
 * and tfjs-cpu, exact tfjs ops elsewhere (impl/fake-quantize.ts).
 */
export const fakeQuantizeConfig: KernelConfig<FakeQuantizeAttrs> = {
  kernelName: FakeQuantize,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<FakeQuantizeAttrs>(({ inputs, attrs, backend }) => {
    const [x, scale, zeroPoint] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
    return fakeQuantizeTfjs(x, scale, zeroPoint, attrs.quantMin, attrs.quantMax, backend);
  }),
};
