import type { KernelConfig, PadAttrs, TensorInfo } from '@parvus/core';
import { Pad } from '@parvus/core';
import { pad } from '../impl/layout.js';
import { allocate, asReference } from './kernel-helpers.js';

export const padConfig: KernelConfig<PadAttrs> = {
  kernelName: Pad,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const shape = x.shape.map((d, i) => d + (attrs.paddings[i] as [number, number])[0] + (attrs.paddings[i] as [number, number])[1]);
    const out = allocate(x.dtype, shape);
    pad(b.values(x), x.shape, attrs.paddings, attrs.constantValue, out);
    return b.output(out, shape, x.dtype);
  },
};
