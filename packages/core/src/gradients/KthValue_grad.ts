import type { Tensor } from '../engine/tensor.js';
import type { KthValueAttrs } from '../kernels/kernel-names.js';
import { reducedShape } from '../util/shape.js';
import { arange } from '../ops/creation.js';
import { equal } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { where } from '../ops/selection.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const kthValueGradConfig: GradConfig = {
  kernelName: k.KthValue,
  // The gradient goes to the selected element only.
  gradFunc: (dy, { inputs: [x], outputs: [, indices], attrs }) => {
    const { axis } = attrs as KthValueAttrs;
    const t = x as Tensor;
    return [
      () => {
        const kept = reducedShape(t.shape, [axis], true);
        const positions = reshape(arange(t.shape[axis] as number), t.shape.map((d, i) => (i === axis ? d : 1)));
        const selected = equal(positions, reshape(indices as Tensor, kept));
        return where(selected, reshape(dy, kept), 0);
      },
    ];
  },
};
