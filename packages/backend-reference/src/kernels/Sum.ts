import type { KernelConfig, ReduceAttrs, TensorInfo } from '@parvus/core';
import { Sum } from '@parvus/core';
import { reductionLayout, sum } from '../impl/reduce.js';
import { allocate, asReference } from './kernel-helpers.js';

export const sumConfig: KernelConfig<ReduceAttrs> = {
  kernelName: Sum,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const shape = x.shape.flatMap((d, i) => (attrs.axes.includes(i) ? (attrs.keepDims ? [1] : []) : [d]));
    const { data, outer, inner } = reductionLayout(b.values(x), x.shape, attrs.axes);
    const out = allocate(x.dtype === 'float32' ? 'float32' : 'int32', shape);
    sum(data, outer, inner, out);
    return b.output(out, shape, x.dtype === 'float32' ? 'float32' : 'int32');
  },
};
