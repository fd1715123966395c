import type { Tensor } from '../engine/tensor.js';
import type { ClipAttrs } from '../kernels/kernel-names.js';
import { greaterEqual, lessEqual } from '../ops/binary.js';
import { logicalAnd, where } from '../ops/selection.js';
import type { GradConfig } from '../autograd/gradient-registry.js';
import * as k from '../kernels/kernel-names.js';

export const clipGradConfig: GradConfig = {
  kernelName: k.Clip,
  // The gradient passes where min ≤ x ≤ max (bounds included, as torch.clamp).
  gradFunc: (dy, { inputs: [x], attrs }) => {
    const { min, max } = attrs as ClipAttrs;
    const t = x as Tensor;
    return [() => where(logicalAnd(greaterEqual(t, min), lessEqual(t, max)), dy, 0)];
  },
};
