import { zerosLike } from '../ops/creation.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const floorGradConfig: GradConfig = {
  kernelName: k.Floor,
  // piecewise constant; use floorSte for straight-through: the gradient is zero almost everywhere.
  gradFunc: (dy) => [() => zerosLike(dy)],
};
