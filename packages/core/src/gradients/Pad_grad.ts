import type { Tensor } from '../engine/tensor.js';
import type { PadAttrs } from '../kernels/kernel-names.js';
import { slice } from '../ops/shape.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const padGradConfig: GradConfig = {
  kernelName: k.Pad,
  gradFunc: (dy, { inputs: [x], attrs }) => {
    const { paddings } = attrs as PadAttrs;
    return [() => slice(dy, paddings.map(([before]) => before), (x as Tensor).shape)];
  },
};
