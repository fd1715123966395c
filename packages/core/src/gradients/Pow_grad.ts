import type { Tensor } from '../engine/tensor.js';
import { equal, greaterEqual, mul, pow, sub } from '../ops/binary.js';
import { log } from '../ops/unary.js';
import { logicalAnd, where } from '../ops/selection.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const powGradConfig: GradConfig = {
  kernelName: k.Pow,
  gradFunc: (dy, { inputs: [a, b], outputs: [y] }) => [
    () => reduceToShape(mul(dy, mul(b as Tensor, pow(a as Tensor, sub(b as Tensor, 1)))), (a as Tensor).shape),
    // d/db a^b = a^b·log(a); taken as 0 where a = 0 and b ≥ 0, as PyTorch does.
    () => {
      const zeroBase = logicalAnd(equal(a as Tensor, 0), greaterEqual(b as Tensor, 0));
      const grad = where(zeroBase, 0, mul(dy, mul(y as Tensor, log(a as Tensor))));
      return reduceToShape(grad, (b as Tensor).shape);
    },
  ],
};
