import type { Tensor } from '../engine/tensor.js';
import { div, mul } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const divGradConfig: GradConfig = {
  kernelName: k.Div,
  gradFunc: (dy, { inputs: [a, b] }) => [
    () => reduceToShape(div(dy, b as Tensor), (a as Tensor).shape),
    () => reduceToShape(neg(div(mul(dy, a as Tensor), mul(b as Tensor, b as Tensor))), (b as Tensor).shape),
  ],
};
