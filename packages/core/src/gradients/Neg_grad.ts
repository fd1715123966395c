import { neg } from '../ops/unary.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const negGradConfig: GradConfig = {
  kernelName: k.Neg,
  gradFunc: (dy) => [() => neg(dy)],
};
