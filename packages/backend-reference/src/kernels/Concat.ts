import type { ConcatAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Concat } from '@parvus/core';
import { concat } from '../impl/layout.js';
import { allocate, asReference } from './kernel-helpers.js';

export const concatConfig: KernelConfig<ConcatAttrs> = {
  kernelName: Concat,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const first = inputs[0] as TensorInfo;
    const { axis } = attrs;
    const shape = [...first.shape];
    shape[axis] = inputs.reduce((total, t) => total + (t.shape[axis] as number), 0);
    const out = allocate(first.dtype, shape);
    concat(inputs.map((t) => ({ values: b.values(t), shape: t.shape })), axis, out);
    return b.output(out, shape, first.dtype);
  },
};
