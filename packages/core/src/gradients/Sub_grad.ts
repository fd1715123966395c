import type { Tensor } from '../engine/tensor.js';
import { neg } from '../ops/unary.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const subGradConfig: GradConfig = {
  kernelName: k.Sub,
  gradFunc: (dy, { inputs: [a, b] }) => [
    () => reduceToShape(dy, (a as Tensor).shape),
    () => reduceToShape(neg(dy), (b as Tensor).shape),
  ],
};
