import type { KernelConfig, SliceAttrs, TensorInfo } from '@parvus/core';
import { Slice } from '@parvus/core';
import { slice } from '../impl/layout.js';
import { allocate, asReference } from './kernel-helpers.js';

export const sliceConfig: KernelConfig<SliceAttrs> = {
  kernelName: Slice,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const out = allocate(x.dtype, attrs.size);
    slice(b.values(x), x.shape, attrs.begin, attrs.size, out);
    return b.output(out, attrs.size, x.dtype);
  },
};
