import type { CastAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { Cast } from '@parvus/core';
import { allocate, asReference } from './kernel-helpers.js';

const INT32_MIN = -2147483648;

export const castConfig: KernelConfig<CastAttrs> = {
  kernelName: Cast,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const values = b.values(x);
    const out = allocate(attrs.dtype, x.shape);
    if (attrs.dtype === 'bool') {
      for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
    } else if (attrs.dtype === 'int32' && x.dtype === 'float32') {
      // Truncation toward zero; NaN and out-of-range give INT32_MIN, as torch on x86.
      for (let i = 0; i < values.length; i++) {
        const v = Math.trunc(values[i] as number);
        out[i] = v >= INT32_MIN && v <= 2147483647 ? v : INT32_MIN;
      }
    } else {
      out.set(values);
    }
    return b.output(out, x.shape, attrs.dtype);
  },
};
