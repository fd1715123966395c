import type { Tensor } from '../engine/tensor.js';
import { mul } from '../ops/binary.js';
import { sign } from '../ops/unary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const absGradConfig: GradConfig = {
  kernelName: k.Abs,
  // d|x|/dx = sign(x), 0 at 0 (torch's sgn).
  gradFunc: (dy, { inputs: [x] }) => [() => mul(dy, sign(x as Tensor))],
};
