import type { FakeQuantizeAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { FakeQuantize } from '@parvus/core';
import { broadcastIndices, broadcastShape } from '../impl/broadcast.js';
import { fakeQuantizeScalar } from '../impl/elementwise.js';
import { roundHalfEven } from '../impl/round.js';
import { asReference } from './kernel-helpers.js';

/**
 * Fused fake quantization. Per-tensor parameters run the branch-free loop; per-channel ones run it
 * once per channel block when the channel axis is contiguous in x, else element by element.
 * Outputs equal the core composite exactly, except that zeros are always +0 (the composite's
 * round gives −0 for inputs in [−scale/2, 0) when the zero point is 0).
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
    const out = new Float32Array(xv.length);
    if (s.length === 1 && z.length === 1) {
      fakeQuantizeScalar(xv, out, s[0] as number, z[0] as number, quantMin, quantMax);
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
        fakeQuantizeScalar(xv, out, s[sIndex] as number, z[zIndex] as number, quantMin, quantMax, i, end - i);
      } else {
        const sv = s[sIndex] as number;
        const zv = z[zIndex] as number;
        const q = roundHalfEven(fr(fr((xv[i] as number) / sv) + zv));
        const c = q < quantMin ? quantMin : q > quantMax ? quantMax : q;
        out[i] = fr(c - zv) * sv + 0;
      }
      i = end;
    }
    return b.output(out, shape, 'float32');
  },
};
