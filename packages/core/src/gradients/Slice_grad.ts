import type { Tensor } from '../engine/tensor.js';
import type { SliceAttrs } from '../kernels/kernel-names.js';
import { pad } from '../ops/shape.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const sliceGradConfig: GradConfig = {
  kernelName: k.Slice,
  gradFunc: (dy, { inputs: [x], attrs }) => {
    const { begin, size } = attrs as SliceAttrs;
    const t = x as Tensor;
    return [() => pad(dy, t.shape.map((d, i) => [begin[i] as number, d - (begin[i] as number) - (size[i] as number)] as [number, number]))];
  },
};
