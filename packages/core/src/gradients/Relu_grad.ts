import type { Tensor } from '../engine/tensor.js';
import { where } from '../ops/selection.js';
import { greater } from '../ops/binary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const reluGradConfig: GradConfig = {
  kernelName: k.Relu,
  gradFunc: (dy, { outputs: [y] }) => [() => where(greater(y as Tensor, 0), dy, 0)],
};
