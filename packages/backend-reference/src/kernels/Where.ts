import type { KernelConfig, TensorInfo } from '@parvus/core';
import { Where } from '@parvus/core';
import { broadcastIndices, broadcastShape, isScalarBroadcast, sameShape } from '../impl/broadcast.js';
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
    const full = (t: TensorInfo) => sameShape(t.shape, shape);
    if (full(condition) && (full(x) || isScalarBroadcast(x.shape)) && (full(y) || isScalarBroadcast(y.shape))) {
      // The usual case (masking a gradient): no index maps, a single value read once.
      const xv = b.values(x);
      const yv = b.values(y);
      const xs = xv.length === n ? null : (xv[0] as number);
      const ys = yv.length === n ? null : (yv[0] as number);
      // Branch-free: masks of real data defeat branch prediction. The pair lives in a typed array
      // of the output's type so that values (−0, NaN, int32) pass unchanged.
      const pair = x.dtype === 'float32' ? new Float32Array(2) : x.dtype === 'int32' ? new Int32Array(2) : new Uint8Array(2);
      if (ys !== null) pair[0] = ys;
      if (xs !== null) pair[1] = xs;
      if (xs === null && ys !== null) {
        for (let i = 0; i < n; i++) { pair[1] = xv[i] as number; out[i] = pair[Number(c0[i] !== 0)] as number; }
      } else if (xs !== null && ys === null) {
        for (let i = 0; i < n; i++) { pair[0] = yv[i] as number; out[i] = pair[Number(c0[i] !== 0)] as number; }
      } else {
        for (let i = 0; i < n; i++) {
          if (ys === null) pair[0] = yv[i] as number;
          if (xs === null) pair[1] = xv[i] as number;
          out[i] = pair[Number(c0[i] !== 0)] as number;
        }
      }
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
