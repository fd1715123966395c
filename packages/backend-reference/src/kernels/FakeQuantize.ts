import type { FakeQuantizeAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantize } from '@parvus/core';
import { broadcastIndices, broadcastShape } from '../impl/broadcast.js';
import { fakeQuantizeScalar } from '../impl/elementwise.js';
import { roundHalfEven } from '../impl/round.js';
import { asReference } from './kernel-helpers.js';

/**
 * Fused fake quantization, equal bit for bit to core's composite. Per-tensor parameters run the
 * branch-free loop once; per-channel ones run it on each run of elements that share a scale and
 * zero point (a channel block when the channel axis is contiguous), else element by element.
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
    const s = b.values<Float32Array>(scale);
    const z = b.values<Float32Array>(zeroPoint);
    const bits = new Int32Array(xv.buffer, xv.byteOffset, xv.length);
    const out = b.allocateFloat32(xv.length);
    if (s.length === 1 && z.length === 1) {
      fakeQuantizeScalar(xv, bits, out, s[0] as number, z[0] as number, quantMin, quantMax);
      return b.output(out, shape, 'float32');
    }
    const is = broadcastIndices(shape, scale.shape);
    const iz = broadcastIndices(shape, zeroPoint.shape);
    const fr = Math.fround;
    let i = 0;
    while (i < out.length) {
      const sIndex = is ? (is[i] as number) : i;
      const zIndex = iz ? (iz[i] as number) : i;
      // Extend the run while both parameters stay the same element.
      let end = i + 1;
      while (end < out.length && (is ? is[end] : end) === sIndex && (iz ? iz[end] : end) === zIndex) end++;
      if (end - i > 1) {
        fakeQuantizeScalar(xv, bits, out, s[sIndex] as number, z[zIndex] as number, quantMin, quantMax, i, end - i);
      } else {
        // The plain composite for one element: round, then clamp as torch.where does.
        const sv = s[sIndex] as number;
        const zv = z[zIndex] as number;
        const q = roundHalfEven(fr(fr((xv[i] as number) / sv) + zv));
        const lo = q < quantMin ? quantMin : q;
        out[i] = fr((quantMax < lo ? quantMax : lo) - zv) * sv;
      }
      i = end;
    }
    return b.output(out, shape, 'float32');
  },
};
