import type { Tensor } from '../engine/tensor.js';
import { where } from '../ops/selection.js';
import { reduceToShape } from './broadcast-grad.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const whereGradConfig: GradConfig = {
  kernelName: k.Where,
  gradFunc: (dy, { inputs: [condition, a, b] }) => [
    null,
    () => reduceToShape(where(condition as Tensor, dy, 0), (a as Tensor).shape),
    () => reduceToShape(where(condition as Tensor, 0, dy), (b as Tensor).shape),
  ],
};
