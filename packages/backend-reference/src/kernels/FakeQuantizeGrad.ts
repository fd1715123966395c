import type { FakeQuantizeGradAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantizeGrad } from '@parvus/core';
import { broadcastShape } from '../impl/broadcast.js';
import { quantParameterRuns } from '../impl/elementwise.js';
import { fakeQuantizeGrad } from '../impl/fake-quantize-grad.js';
import { asReference } from './kernel-helpers.js';

/**
 * The three elementwise parts of fake quantization's gradient in one pass, equal bit for bit to
 * core's composite. Runs of elements sharing a scale and zero point (all of them per tensor, a
 * channel block per channel) go through one loop with the parameters hoisted: WebAssembly SIMD
 * where available, else JavaScript.
 */
export const fakeQuantizeGradConfig: KernelConfig<FakeQuantizeGradAttrs> = {
  kernelName: FakeQuantizeGrad,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const [dy, x, scale, zeroPoint] = inputs as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    const shape = broadcastShape(broadcastShape(broadcastShape(dy.shape, x.shape), scale.shape), zeroPoint.shape);
    if (shape.length !== dy.shape.length || shape.some((d, i) => d !== dy.shape[i] || d !== x.shape[i])) {
      throw new Error(`dy ${JSON.stringify(dy.shape)}, x ${JSON.stringify(x.shape)}, scale ${JSON.stringify(scale.shape)} and zero point ${JSON.stringify(zeroPoint.shape)} must broadcast to dy's shape, which x must have`);
    }
    const n = dy.shape.reduce((p, d) => p * d, 1);
    const outs = [b.allocateFloat32(n), b.allocateFloat32(n), b.allocateFloat32(n)] as const;
    const args = { dy: b.values<Float32Array>(dy), x: b.values<Float32Array>(x), dx: outs[0], ds: outs[1], dzp: outs[2], ...attrs };
    fakeQuantizeGrad(args, quantParameterRuns(shape, b.values<Float32Array>(scale), scale.shape, b.values<Float32Array>(zeroPoint), zeroPoint.shape));
    return outs.map((values) => b.output(values, shape, 'float32'));
  },
};
