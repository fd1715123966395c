import type { Tensor } from '../engine/tensor.js';
import { div, mul } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const log2GradConfig: GradConfig = {
  kernelName: k.Log2,
  gradFunc: (dy, { inputs: [x] }) => [() => div(dy, mul(x as Tensor, Math.LN2))],
};
