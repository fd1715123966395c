import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const avgPool2DGradConfig: GradConfig = {
  kernelName: k.AvgPool2D,
  gradFunc: (dy, { inputs: [x], attrs }) => [() => engine().runKernel(k.AvgPool2DGrad, [dy], { ...attrs, inputShape: (x as Tensor).shape })],
};
