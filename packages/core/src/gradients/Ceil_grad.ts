import { zerosLike } from '../ops/creation.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const ceilGradConfig: GradConfig = {
  kernelName: k.Ceil,
  // piecewise constant; use ceilSte for straight-through: the gradient is zero almost everywhere.
  gradFunc: (dy) => [() => zerosLike(dy)],
};
