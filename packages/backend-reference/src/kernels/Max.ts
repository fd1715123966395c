import type { KernelConfig, ReduceAttrs, TensorInfo } from '@parvus/core';
import { Max } from '@parvus/core';
import { reductionLayout, extremum } from '../impl/reduce.js';
import { allocate, asReference } from './kernel-helpers.js';

export const maxConfig: KernelConfig<ReduceAttrs> = {
  kernelName: Max,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const shape = x.shape.flatMap((d, i) => (attrs.axes.includes(i) ? (attrs.keepDims ? [1] : []) : [d]));
    const { data, outer, inner } = reductionLayout(b.values(x), x.shape, attrs.axes);
    const out = allocate(x.dtype, shape);
    extremum(data, outer, inner, out, true);
    return b.output(out, shape, x.dtype);
  },
};
