import type { TransposeAttrs } from '../kernels/kernel-names.js';
import { permute } from '../ops/shape.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const transposeGradConfig: GradConfig = {
  kernelName: k.Transpose,
  gradFunc: (dy, { attrs }) => {
    const { perm } = attrs as TransposeAttrs;
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [() => permute(dy, inverse)];
  },
};
