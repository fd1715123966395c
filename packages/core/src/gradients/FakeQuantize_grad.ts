import type { Tensor } from '../engine/tensor.js';
import type { FakeQuantizeAttrs } from '../kernels/kernel-names.js';
import { fakeQuantizeGradParts } from '../ops/fake-quantize.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

/**
 * Brevitas's IntQuant under autograd: y = (c − zp)·s, c = clamp(r), r = roundSte(x/s + zp). The
 * clamp passes the gradient where quantMin ≤ r ≤ quantMax (mask m), so
 *   dy/dx = m,   dy/ds = (c − zp) − m·x/s,   dy/dzp = (m − 1)·s.
 * With a straight-through clamp (TensorClampSte, weights) m = 1 everywhere.
 */
export function fakeQuantizeGradFunc(straightThroughClamp: boolean): GradConfig['gradFunc'] {
  return (dy, { inputs, attrs }) => {
    const { quantMin, quantMax } = attrs as FakeQuantizeAttrs;
    const [x, scale, zeroPoint] = inputs as [Tensor, Tensor, Tensor];
    // One fused pass gives all three parts. Each thunk runs in its own scope, so the parts live in
    // backward's scope: the unneeded ones are freed now, the others once reduced.
    const parts = fakeQuantizeGradParts(dy, x, scale, zeroPoint, { quantMin, quantMax, straightThroughClamp });
    parts.forEach((part, i) => {
      if (!(inputs[i] as Tensor).requiresGrad) part.dispose();
    });
    return parts.map((part, i) => () => {
      const reduced = reduceToShape(part, (inputs[i] as Tensor).shape);
      if (reduced !== part) part.dispose();
      return reduced;
    });
  };
}

export const fakeQuantizeGradConfig: GradConfig = {
  kernelName: k.FakeQuantize,
  gradFunc: fakeQuantizeGradFunc(false),
};
