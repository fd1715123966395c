import type { Tensor } from '../engine/tensor.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const addGradConfig: GradConfig = {
  kernelName: k.Add,
  gradFunc: (dy, { inputs: [a, b] }) => [
    () => reduceToShape(dy, (a as Tensor).shape),
    () => reduceToShape(dy, (b as Tensor).shape),
  ],
};
