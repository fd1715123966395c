import type { Tensor } from '../engine/tensor.js';
import type { ReduceAttrs } from '../kernels/kernel-names.js';
import { reducedShape } from '../util/shape.js';
import { reshape } from '../ops/shape.js';
import { div, equal, mul } from '../ops/binary.js';
import { sum } from '../ops/reduction.js';
import { cast } from '../ops/selection.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const minGradConfig: GradConfig = {
  kernelName: k.Min,
  // Ties share the gradient evenly, as torch.amax/amin (and full min()) do.
  gradFunc: (dy, { inputs: [x], outputs: [y], attrs }) => {
    const { axes } = attrs as ReduceAttrs;
    const t = x as Tensor;
    return [
      () => {
        const kept = reducedShape(t.shape, axes, true);
        const mask = cast(equal(t, reshape(y as Tensor, kept)), 'float32');
        return mul(mask, div(reshape(dy, kept), sum(mask, axes, true)));
      },
    ];
  },
};
