import type { Tensor } from '../engine/tensor.js';
import type { ReduceAttrs } from '../kernels/kernel-names.js';
import { reducedShape } from '../util/shape.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const sumGradConfig: GradConfig = {
  kernelName: k.Sum,
  gradFunc: (dy, { inputs: [x], attrs }) => {
    const { axes } = attrs as ReduceAttrs;
    const t = x as Tensor;
    return [() => broadcastTo(reshape(dy, reducedShape(t.shape, axes, true)), t.shape)];
  },
};
