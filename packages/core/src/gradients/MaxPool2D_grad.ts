import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const maxPool2DGradConfig: GradConfig = {
  kernelName: k.MaxPool2D,
  gradFunc: (dy, { inputs: [x], attrs }) => [() => engine().runKernel(k.MaxPool2DGrad, [dy, x as Tensor], attrs)],
};
