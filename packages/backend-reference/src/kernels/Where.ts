import type { KernelConfig, TensorInfo } from '@parvus/core';
import { Where } from '@parvus/core';
import { broadcastIndices, broadcastShape } from '../impl/broadcast.js';
import { identity } from '../impl/elementwise.js';
import { allocate, asReference } from './kernel-helpers.js';

export const whereConfig: KernelConfig = {
  kernelName: Where,
  backendName: 'reference',
  kernelFunc: ({ inputs, backend }) => {
    const b = asReference(backend);
    const [condition, x, y] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    if (condition.dtype !== 'bool') throw new Error(`condition must be bool, got ${condition.dtype}`);
    if (x.dtype !== y.dtype) throw new Error(`operand dtypes differ (${x.dtype}, ${y.dtype})`);
    const shape = broadcastShape(broadcastShape(condition.shape, x.shape), y.shape);
    const out = allocate(x.dtype, shape);
    const n = out.length;
    const c0 = b.values<Uint8Array>(condition);
    const sameShape = (t: TensorInfo) => t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
    if (sameShape(condition) && (sameShape(x) || x.shape.every((d) => d === 1)) && (sameShape(y) || y.shape.every((d) => d === 1))) {
      // The usual case (masking a gradient): no index maps, a single value read once.
      const xv = b.values(x);
      const yv = b.values(y);
      const xs = xv.length === n ? null : (xv[0] as number);
      const ys = yv.length === n ? null : (yv[0] as number);
      for (let i = 0; i < n; i++) out[i] = c0[i] ? (xs ?? (xv[i] as number)) : (ys ?? (yv[i] as number));
      return b.output(out, shape, x.dtype);
    }
    const ic = broadcastIndices(shape, condition.shape) ?? identity(n);
    const ix = broadcastIndices(shape, x.shape) ?? identity(n);
    const iy = broadcastIndices(shape, y.shape) ?? identity(n);
    const c = b.values<Uint8Array>(condition);
    const xv = b.values(x);
    const yv = b.values(y);
    for (let i = 0; i < n; i++) out[i] = c[ic[i] as number] ? (xv[ix[i] as number] as number) : (yv[iy[i] as number] as number);
    return b.output(out, shape, x.dtype);
  },
};
