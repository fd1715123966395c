import type { Tensor } from '../engine/tensor.js';
import type { Conv2DAttrs } from '../kernels/kernel-names.js';
import { engine } from '../engine/engine.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const conv2DGradConfig: GradConfig = {
  kernelName: k.Conv2D,
  gradFunc: (dy, { inputs: [x, w], attrs }) => {
    const geometry = attrs as Conv2DAttrs;
    const tx = x as Tensor;
    const tw = w as Tensor;
    return [
      () => engine().runKernel(k.Conv2DBackpropInput, [dy, tw], { ...geometry, inputShape: tx.shape }),
      () => engine().runKernel(k.Conv2DBackpropFilter, [tx, dy], { ...geometry, filterShape: tw.shape }),
    ];
  },
};
