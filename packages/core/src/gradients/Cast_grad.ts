import type { Tensor } from '../engine/tensor.js';
import { cast } from '../ops/selection.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const castGradConfig: GradConfig = {
  kernelName: k.Cast,
  gradFunc: (dy, { inputs: [x] }) => [() => cast(dy, (x as Tensor).dtype)],
};
