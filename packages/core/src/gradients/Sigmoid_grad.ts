import type { Tensor } from '../engine/tensor.js';
import { mul, sub } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const sigmoidGradConfig: GradConfig = {
  kernelName: k.Sigmoid,
  gradFunc: (dy, { outputs: [y] }) => [() => mul(dy, mul(y as Tensor, sub(1, y as Tensor)))],
};
