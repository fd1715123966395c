import type { Tensor } from '../engine/tensor.js';
import type { Conv2DBackpropInputAttrs } from '../kernels/kernel-names.js';
import { engine } from '../engine/engine.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const conv2DBackpropInputGradConfig: GradConfig = {
  kernelName: k.Conv2DBackpropInput,
  // A transposed convolution: its input gradient is the forward convolution.
  gradFunc: (dz, { inputs: [dy, w], attrs }) => {
    const { strides, pads, dilations, groups } = attrs as Conv2DBackpropInputAttrs;
    const geometry = { strides, pads, dilations, groups };
    const tw = w as Tensor;
    return [
      () => engine().runKernel(k.Conv2D, [dz, tw], geometry),
      () => engine().runKernel(k.Conv2DBackpropFilter, [dz, dy as Tensor], { ...geometry, filterShape: tw.shape }),
    ];
  },
};
