import type { Tensor } from '../engine/tensor.js';
import { div, equal, greater, less } from '../ops/binary.js';
import { where } from '../ops/selection.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const minimumGradConfig: GradConfig = {
  kernelName: k.Minimum,
  // Ties split the gradient in half, as torch.minimum does.
  gradFunc: (dy, { inputs: [a, b] }) => {
    const ta = a as Tensor;
    const tb = b as Tensor;
    const shared = (): Tensor => where(equal(ta, tb), div(dy, 2), dy);
    return [
      () => reduceToShape(where(greater(ta, tb), 0, shared()), ta.shape),
      () => reduceToShape(where(less(ta, tb), 0, shared()), tb.shape),
    ];
  },
};
