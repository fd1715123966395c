import type { ConcatAttrs } from '../kernels/kernel-names.js';
import { narrow } from '../ops/shape.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const concatGradConfig: GradConfig = {
  kernelName: k.Concat,
  gradFunc: (dy, { inputs, attrs }) => {
    const { axis } = attrs as ConcatAttrs;
    let start = 0;
    return inputs.map((input) => {
      const begin = start;
      const length = input.shape[axis] as number;
      start += length;
      return () => narrow(dy, axis, begin, length);
    });
  },
};
