import type { ClipAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Clip } from '@parvus/core';
import { allocate, asReference } from './kernel-helpers.js';

export const clipConfig: KernelConfig<ClipAttrs> = {
  kernelName: Clip,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error('Clip is not defined for bool tensors');
    const { min, max } = attrs;
    const values = b.values(x);
    const out = allocate(x.dtype, x.shape);
    // std::min(std::max(v, min), max) as torch.clamp: NaN passes, −0 stays −0.
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      const lo = v < min ? min : v;
      out[i] = max < lo ? max : lo;
    }
    return b.output(out, x.shape, x.dtype);
  },
};
