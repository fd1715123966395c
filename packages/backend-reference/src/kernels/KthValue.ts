import type { KernelConfig, KthValueAttrs, TensorInfo } from '@parvus/core';
import { KthValue, kthValueSelect } from '@parvus/core';
import { allocate, asReference } from './kernel-helpers.js';

export const kthValueConfig: KernelConfig<KthValueAttrs> = {
  kernelName: KthValue,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error('KthValue is not defined for bool tensors');
    const { k, axis, keepDims } = attrs;
    const values = b.values<Float32Array | Int32Array>(x);
    const dim = x.shape.length === 0 ? 1 : (x.shape[axis] as number);
    if (k < 1 || k > dim) throw new Error(`k=${k} is out of range for a dimension of ${dim}`);
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const shape = x.shape.flatMap((d, i) => (i === axis ? (keepDims ? [1] : []) : [d]));
    const outValues = allocate(x.dtype, shape);
    const outIndices = new Int32Array(outer * inner);
    const run = new (values.constructor as new (n: number) => Float32Array | Int32Array)(dim);
    const order = new Int32Array(dim);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * dim * inner + j;
        for (let d = 0; d < dim; d++) {
          run[d] = values[base + d * inner] as number;
          order[d] = d;
        }
        const index = kthValueSelect(run, order, k - 1);
        outValues[o * inner + j] = run[index] as number;
        outIndices[o * inner + j] = index;
      }
    }
    return [b.output(outValues, shape, x.dtype), b.output(outIndices, shape, 'int32')];
  },
};
