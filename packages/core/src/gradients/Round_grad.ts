import { zerosLike } from '../ops/creation.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const roundGradConfig: GradConfig = {
  kernelName: k.Round,
  // piecewise constant; use roundSte for straight-through: the gradient is zero almost everywhere.
  gradFunc: (dy) => [() => zerosLike(dy)],
};
