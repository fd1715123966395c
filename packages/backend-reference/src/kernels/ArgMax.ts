import type { ArgMaxAttrs, KernelConfig, TensorInfo } from '@parvus/core';
import { ArgMax } from '@parvus/core';
import { asReference } from './kernel-helpers.js';

export const argMaxConfig: KernelConfig<ArgMaxAttrs> = {
  kernelName: ArgMax,
  backendName: 'reference',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    const { axis, keepDims } = attrs;
    const values = b.values(x);
    const dim = x.shape[axis] as number;
    const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const out = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * dim * inner + j;
        let best = values[base] as number;
        let index = 0;
        // First maximum; the first NaN wins over everything (torch.argmax).
        for (let d = 1; d < dim && best === best; d++) {
          const v = values[base + d * inner] as number;
          if (v > best || v !== v) {
            best = v;
            index = d;
          }
        }
        out[o * inner + j] = index;
      }
    }
    const shape = x.shape.flatMap((d, i) => (i === axis ? (keepDims ? [1] : []) : [d]));
    return b.output(out, shape, 'int32');
  },
};
