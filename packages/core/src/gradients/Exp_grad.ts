import type { Tensor } from '../engine/tensor.js';
import { mul } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const expGradConfig: GradConfig = {
  kernelName: k.Exp,
  gradFunc: (dy, { outputs: [y] }) => [() => mul(dy, y as Tensor)],
};
