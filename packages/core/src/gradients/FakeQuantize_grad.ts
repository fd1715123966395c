import type { Tensor } from '../engine/tensor.js';
import type { FakeQuantizeAttrs } from '../kernels/kernel-names.js';
import { add, div, greaterEqual, lessEqual, mul, sub } from '../ops/binary.js';
import { round } from '../ops/unary.js';
import { cast, clamp, logicalAnd } from '../ops/selection.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const fakeQuantizeGradConfig: GradConfig = {
  kernelName: k.FakeQuantize,
  // Brevitas's IntQuant under autograd: y = (c − zp)·s, c = clamp(r), r = roundSte(x/s + zp).
  // The clamp passes gradient where qmin ≤ r ≤ qmax (mask m). Then
  //   dy/dx = m,  dy/ds = (c − zp) − m·x/s,  dy/dzp = m − 1 (both times s for zp).
  gradFunc: (dy, { inputs: [x, scale, zeroPoint], attrs }) => {
    const { quantMin, quantMax } = attrs as FakeQuantizeAttrs;
    const tx = x as Tensor;
    const s = scale as Tensor;
    const zp = zeroPoint as Tensor;
    const r = (): Tensor => round(add(div(tx, s), zp));
    const mask = (): Tensor => {
      const rounded = r();
      return cast(logicalAnd(greaterEqual(rounded, quantMin), lessEqual(rounded, quantMax)), 'float32');
    };
    return [
      () => reduceToShape(mul(dy, mask()), tx.shape),
      () => {
        const c = clamp(r(), quantMin, quantMax);
        const local = sub(sub(c, zp), mul(mask(), div(tx, s)));
        return reduceToShape(mul(dy, local), s.shape);
      },
      () => reduceToShape(mul(mul(dy, s), sub(mask(), 1)), zp.shape),
    ];
  },
};
