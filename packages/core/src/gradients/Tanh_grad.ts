import type { Tensor } from '../engine/tensor.js';
import { mul, sub } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const tanhGradConfig: GradConfig = {
  kernelName: k.Tanh,
  gradFunc: (dy, { outputs: [y] }) => [() => mul(dy, sub(1, mul(y as Tensor, y as Tensor)))],
};
