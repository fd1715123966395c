import type { FakeQuantizeGradAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantizeGrad } from '@parvus/core';
import { broadcastIndices, broadcastShape } from '../impl/broadcast.js';
import { fakeQuantizeGradRun } from '../impl/fake-quantize-grad.js';
import { asReference } from './kernel-helpers.js';

/**
 * The three elementwise parts of fake quantization's gradient in one pass, equal bit for bit to
 * core's composite. Runs of elements sharing a scale and zero point (all of them per tensor, a
 * channel block per channel) go through one loop with the parameters hoisted.
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
    const s = b.values<Float32Array>(scale);
    const z = b.values<Float32Array>(zeroPoint);
    if (s.length === 1 && z.length === 1) {
      fakeQuantizeGradRun(args, s[0] as number, z[0] as number, 0, n);
      return outs.map((values) => b.output(values, shape, 'float32'));
    }
    const is = broadcastIndices(shape, scale.shape);
    const iz = broadcastIndices(shape, zeroPoint.shape);
    let i = 0;
    while (i < n) {
      const sIndex = is ? (is[i] as number) : i;
      const zIndex = iz ? (iz[i] as number) : i;
      let end = i + 1;
      while (end < n && (is ? is[end] : end) === sIndex && (iz ? iz[end] : end) === zIndex) end++;
      fakeQuantizeGradRun(args, s[sIndex] as number, z[zIndex] as number, i, end);
      i = end;
    }
    return outs.map((values) => b.output(values, shape, 'float32'));
  },
};
