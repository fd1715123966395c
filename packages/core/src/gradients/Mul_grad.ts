import type { Tensor } from '../engine/tensor.js';
import { mul } from '../ops/binary.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const mulGradConfig: GradConfig = {
  kernelName: k.Mul,
  gradFunc: (dy, { inputs: [a, b] }) => [
    () => reduceToShape(mul(dy, b as Tensor), (a as Tensor).shape),
    () => reduceToShape(mul(dy, a as Tensor), (b as Tensor).shape),
  ],
};
