import type { Tensor } from '../engine/tensor.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import type { FakeQuantizeAttrs } from '../kernels/kernel-names.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { clamp } from '../ops/selection.js';
import { round } from '../ops/unary.js';
import { zerosLike } from '../ops/creation.js';
import { FAKE_QUANTIZE_STE_CLAMP } from '../ops/fake-quantize.js';
import { reduceToShape } from './broadcast-grad.js';

/**
 * Fake quantization whose clamp is straight-through (Brevitas's weights): y = (c − zp)·s with
 * c = clampSte(roundSte(x/s + zp)), so dy/dx = 1, dy/ds = (c − zp) − x/s and dy/dzp = 0.
 */
export const fakeQuantizeSteClampGradConfig: GradConfig = {
  kernelName: FAKE_QUANTIZE_STE_CLAMP,
  gradFunc: (dy, { inputs: [x, scale, zeroPoint], attrs }) => {
    const { quantMin, quantMax } = attrs as FakeQuantizeAttrs;
    const tx = x as Tensor;
    const s = scale as Tensor;
    const zp = zeroPoint as Tensor;
    return [
      () => reduceToShape(dy, tx.shape),
      () => {
        const c = clamp(round(add(div(tx, s), zp)), quantMin, quantMax);
        return reduceToShape(mul(dy, sub(sub(c, zp), div(tx, s))), s.shape);
      },
      () => zerosLike(zp),
    ];
  },
};
