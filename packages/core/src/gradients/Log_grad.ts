import type { Tensor } from '../engine/tensor.js';
import { div } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const logGradConfig: GradConfig = {
  kernelName: k.Log,
  gradFunc: (dy, { inputs: [x] }) => [() => div(dy, x as Tensor)],
};
