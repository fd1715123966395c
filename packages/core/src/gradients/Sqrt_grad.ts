import type { Tensor } from '../engine/tensor.js';
import { div, mul } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const sqrtGradConfig: GradConfig = {
  kernelName: k.Sqrt,
  gradFunc: (dy, { outputs: [y] }) => [() => div(dy, mul(y as Tensor, 2))],
};
