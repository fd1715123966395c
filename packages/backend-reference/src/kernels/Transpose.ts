import type { KernelConfig, TensorInfo, TransposeAttrs } from '@parvus/core';
import { Transpose } from '@parvus/core';
import { transpose } from '../impl/layout.js';
import { allocate, asReference } from './kernel-helpers.js';

export const transposeConfig: KernelConfig<TransposeAttrs> = {
  kernelName: Transpose,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    if (attrs.perm.length !== x.shape.length) throw new Error(`perm [${attrs.perm.join(', ')}] does not match rank ${x.shape.length}`);
    const shape = attrs.perm.map((p) => x.shape[p] as number);
    const out = allocate(x.dtype, shape);
    transpose(b.values(x), x.shape, attrs.perm, out);
    return b.output(out, shape, x.dtype);
  },
};
