import type { FakeQuantizeAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantize } from '@parvus/core';
import { broadcastShape } from '../impl/broadcast.js';
import { fakeQuantize, quantParameterRuns } from '../impl/elementwise.js';
import { asReference } from './kernel-helpers.js';

/**
 * Fused fake quantization, equal bit for bit to core's composite. Elements are taken in runs that
 * share a scale and zero point (all of them per tensor, a channel block per channel), each run
 * through one loop with the parameters hoisted: WebAssembly SIMD where available, else JavaScript.
 */
export const fakeQuantizeConfig: KernelConfig<FakeQuantizeAttrs> = {
  kernelName: FakeQuantize,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [x, scale, zeroPoint] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    const { quantMin, quantMax } = attrs;
    const shape = broadcastShape(broadcastShape(x.shape, scale.shape), zeroPoint.shape);
    if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) {
      throw new Error(`scale ${JSON.stringify(scale.shape)} and zero point ${JSON.stringify(zeroPoint.shape)} must broadcast to x ${JSON.stringify(x.shape)}`);
    }
    const xv = b.values<Float32Array>(x);
    const runs = quantParameterRuns(shape, b.values<Float32Array>(scale), scale.shape, b.values<Float32Array>(zeroPoint), zeroPoint.shape);
    const out = b.allocateFloat32(xv.length);
    fakeQuantize(xv, out, runs, quantMin, quantMax);
    return b.output(out, shape, 'float32');
  },
};
