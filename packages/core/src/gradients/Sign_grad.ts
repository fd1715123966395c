import { zerosLike } from '../ops/creation.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const signGradConfig: GradConfig = {
  kernelName: k.Sign,
  // piecewise constant: the gradient is zero almost everywhere.
  gradFunc: (dy) => [() => zerosLike(dy)],
};
