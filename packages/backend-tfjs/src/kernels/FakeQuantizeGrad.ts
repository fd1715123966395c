import type { FakeQuantizeGradAttrs, KernelConfig } from '@parvus/core';
import { FakeQuantizeGrad } from '@parvus/core';
import type * as tf from '@tensorflow/tfjs-core';
import { fakeQuantizeGradTfjs } from '../impl/fake-quantize.js';
import { TFJS_KERNEL_BACKEND, tfjsKernel } from '../impl/kernel.js';

/**
 * The optional fused gradient of fake quantization, outputs [dx, dScale, dZeroPoint] of dy's shape,
 * bit-identical to core's composite: one WebAssembly SIMD pass on tfjs-wasm and tfjs-cpu instead
 * of a dozen tfjs ops, exact tfjs ops elsewhere (impl/fake-quantize.ts).
 */
export const fakeQuantizeGradConfig: KernelConfig<FakeQuantizeGradAttrs> = {
  kernelName: FakeQuantizeGrad,
  backendName: TFJS_KERNEL_BACKEND,
  kernelFunc: tfjsKernel<FakeQuantizeGradAttrs>(({ inputs, attrs, backend }) => {
    const [dy, x, scale, zeroPoint] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    return fakeQuantizeGradTfjs(dy, x, scale, zeroPoint, attrs.quantMin, attrs.quantMax, attrs.straightThroughClamp, backend);
  }),
};
