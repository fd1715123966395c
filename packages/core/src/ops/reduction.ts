import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import { formatShape, normalizeAxes, normalizeAxis } from '../util/shape.js';
import { div } from './binary.js';
import { castTo } from './operands.js';
import { reshape } from './shape.js';

function reduce(kernelName: typeof k.Sum | typeof k.Max | typeof k.Min, x: Tensor, axes: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  const normalized = normalizeAxes(axes, x.rank);
  if (kernelName !== k.Sum) {
    for (const a of normalized) {
      if (x.shape[a] === 0) {
        throw new ShapeError(`${kernelName.toLowerCase()} over axis ${a} of size 0 (shape ${formatShape(x.shape)}) has no identity.`);
      }
    }
  }
  return engine().runKernel(kernelName, [x], { axes: normalized, keepDims });
}

/** Sum over `axes` (all by default). bool and int32 sum to int32. */
export const sum = op('sum', (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor =>
  reduce(k.Sum, x, axes, keepDims));

/** Mean over `axes` (all by default), as float32. */
export const mean = op('mean', (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => {
  const normalized = normalizeAxes(axes, x.rank);
  let count = 1;
  for (const a of normalized) count *= x.shape[a] as number;
  return div(reduce(k.Sum, castTo(x, 'float32'), normalized, keepDims), count);
});

/** Maximum over `axes` (all by default); NaN propagates. */
export const max = op('max', (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor =>
  reduce(k.Max, x, axes, keepDims));

/** Minimum over `axes` (all by default); NaN propagates. */
export const min = op('min', (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor =>
  reduce(k.Min, x, axes, keepDims));

/** Index of the first maximum along `axis` (flattened when omitted), as int32. */
export const argmax = op('argmax', (x: Tensor, axis?: number, keepDims = false): Tensor => {
  if (axis === undefined) {
    if (x.size === 0) throw new ShapeError('argmax of an empty tensor.');
    return engine().runKernel(k.ArgMax, [engine().makeView(x, [x.size])], { axis: 0, keepDims: false });
  }
  const a = normalizeAxis(axis, x.rank);
  if (x.shape[a] === 0) throw new ShapeError(`argmax over axis ${a} of size 0.`);
  return engine().runKernel(k.ArgMax, [x], { axis: a, keepDims });
});

/** The k-th smallest value (1-indexed) along `axis` and its index (torch.kthvalue). */
export const kthValue = op('kthValue', (x: Tensor, kth: number, axis = -1, keepDims = false): { values: Tensor; indices: Tensor } => {
  if (x.rank === 0) {
    // A scalar is its own only element (torch.kthvalue(scalar, 1)). reshape records the gradient;
    // the outputs of the [1] case already have shape [] and are returned as they are, since the
    // KthValue gradient reads its indices output.
    return kthValue(reshape(x, [1]), kth, 0, false);
  }
  const a = normalizeAxis(axis, x.rank);
  const dim = x.shape[a] as number;
  if (!Number.isInteger(kth) || kth < 1 || kth > dim) {
    throw new ValueError(`kthValue: k must be an integer in [1, ${dim}] for axis ${axis} of shape ${formatShape(x.shape)}, got ${kth}.`);
  }
  const [values, indices] = engine().runKernelMulti(k.KthValue, [x], { k: kth, axis: a, keepDims });
  return { values: values as Tensor, indices: indices as Tensor };
});
