import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { customOp } from '../autograd/custom-op.js';
import { recordKernel } from '../autograd/record.js';
import { reduceToShape } from '../gradients/broadcast-grad.js';
import * as k from '../kernels/kernel-names.js';
import { sizeOf } from '../kernels/tensor-info.js';
import { DTypeError, ShapeError, ValueError } from '../errors/errors.js';
import { formatShape, normalizeAxis, shapesEqual } from '../util/shape.js';
import type { TensorLike } from './creation.js';
import { full, toTensor } from './creation.js';
import { where } from './selection.js';

/** Engine-level op name under which reshape is recorded for autograd (it is not a kernel). */
export const RESHAPE = 'Reshape';

/** Name under which broadcastTo is recorded for autograd (it is not a kernel). */
const BROADCAST_TO = 'BroadcastTo';

/** Resolve one -1 in `shape` against `size`. */
export function inferReshape(shape: readonly number[], size: number, from: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(`reshape ${formatShape(shape)}: only one dimension can be -1.`);
  const known = sizeOf(out.filter((d) => d !== -1));
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`Cannot reshape a tensor of shape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}.`);
    }
    out[unknown] = size / known;
  }
  for (const d of out) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`Invalid target shape ${formatShape(shape)} for reshape.`);
  }
  if (sizeOf(out) !== size) {
    throw new ShapeError(`Cannot reshape a tensor of shape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}.`);
  }
  return out;
}

/** A view with another shape (no copy); one dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferReshape(shape, x.size, x.shape);
  const e = engine();
  const out = e.makeView(x, target);
  if (e.gradEnabled) recordKernel(RESHAPE, [x], [out], { shape: x.shape });
  return out;
}

/** Flatten dimensions startDim..endDim into one (torch.flatten; defaults flatten everything). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis(startDim, x.rank, 'startDim');
  const e = normalizeAxis(endDim, x.rank, 'endDim');
  if (s > e) throw new ValueError(`flatten: startDim ${startDim} comes after endDim ${endDim}.`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Remove size-1 dimensions (all of them, or the given one when it has size 1). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis(axis, x.rank);
  if (x.shape[a] !== 1) return reshape(x, x.shape);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Insert a size-1 dimension at `axis` (which may be x.rank). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Reorder dimensions (torch.permute). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank) {
    throw new ShapeError(`permute: ${perm.length} dimensions given for a tensor of rank ${x.rank}.`);
  }
  const normalized = perm.map((p) => normalizeAxis(p, x.rank, 'permute dimension'));
  if (new Set(normalized).size !== normalized.length) throw new ValueError(`permute: repeated dimension in [${perm.join(', ')}].`);
  if (normalized.every((p, i) => p === i)) return reshape(x, x.shape);
  return engine().runKernel(k.Transpose, [x], { perm: normalized });
}

/** Swap two dimensions (torch.transpose); defaults to the last two. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normalizeAxis(dim0, x.rank);
  const b = normalizeAxis(dim1, x.rank);
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Concatenate along `axis` (torch.cat). */
export const concat = op('concat', (tensors: readonly TensorLike[], axis = 0): Tensor => {
  if (tensors.length === 0) throw new ValueError('concat needs at least one tensor.');
  const ts = tensors.map((t) => toTensor(t));
  const first = ts[0] as Tensor;
  const a = normalizeAxis(axis, first.rank);
  for (const t of ts) {
    if (t.dtype !== first.dtype) throw new DTypeError(`concat: dtypes differ (${first.dtype} and ${t.dtype}).`);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        `concat along axis ${axis}: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside that axis.`,
      );
    }
  }
  if (ts.length === 1) return reshape(first, first.shape);
  return engine().runKernel(k.Concat, ts, { axis: a });
});

/** Stack along a new axis (torch.stack). */
export const stack = op('stack', (tensors: readonly Tensor[], axis = 0): Tensor => {
  if (tensors.length === 0) throw new ValueError('stack needs at least one tensor.');
  const first = tensors[0] as Tensor;
  for (const t of tensors) {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ.`);
    }
  }
  const a = normalizeAxis(axis, first.rank + 1);
  return concat(tensors.map((t) => unsqueeze(t, a)), a);
});

/**
 * A box of `x`: `begin[i]` (negative counts from the end) and `size[i]` (-1: to the end) per axis;
 * missing trailing axes are taken whole.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length > x.rank) throw new ShapeError(`slice: ${begin.length} begin indices for a tensor of rank ${x.rank}.`);
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i] as number;
    let start = begin[i] ?? 0;
    if (start < 0) start += dim;
    let len = size?.[i] ?? -1;
    if (len === -1) len = dim - start;
    if (!Number.isInteger(start) || !Number.isInteger(len) || start < 0 || len < 0 || start + len > dim) {
      throw new ShapeError(
        `slice: begin ${formatShape(begin)} and size ${formatShape(size ?? [])} fall outside shape ${formatShape(x.shape)} on axis ${i}.`,
      );
    }
    b.push(start);
    s.push(len);
  }
  if (b.every((v) => v === 0) && shapesEqual(s, x.shape)) return reshape(x, x.shape);
  return engine().runKernel(k.Slice, [x], { begin: b, size: s });
}

/** Elements start..start+length-1 of one axis (torch.narrow). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis(axis, x.rank);
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  begin[a] = start;
  size[a] = length;
  return slice(x, begin, size);
}

/** Split into pieces of the given sizes along `axis` (torch.split with a list). */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis(axis, x.rank);
  const total = sizes.reduce((p, c) => p + c, 0);
  if (total !== x.shape[a]) {
    throw new ShapeError(`split: sizes [${sizes.join(', ')}] sum to ${total}, but axis ${axis} has ${x.shape[a]}.`);
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(x, a, start, len);
    start += len;
    return piece;
  });
}

/**
 * Constant padding. `paddings[i] = [before, after]` for axis i, all axes given (unlike torch's
 * F.pad, which lists the last axis first).
 */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, constantValue = 0): Tensor {
  if (paddings.length !== x.rank) {
    throw new ShapeError(`pad: ${paddings.length} [before, after] pairs for a tensor of rank ${x.rank}.`);
  }
  for (const [before, after] of paddings) {
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new ValueError(`pad: paddings must be non-negative integers, got ${JSON.stringify(paddings)}.`);
    }
  }
  if (paddings.every(([before, after]) => before === 0 && after === 0)) return reshape(x, x.shape);
  return engine().runKernel(k.Pad, [x], { paddings: paddings.map(([b, a]) => [b, a]), constantValue });
}

/** Broadcast to `shape` (torch.broadcast_to). */
export const broadcastTo = op('broadcastTo', (x: Tensor, shape: readonly number[]): Tensor => {
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  if (shape.length < x.rank) {
    throw new ShapeError(`Cannot broadcast shape ${formatShape(x.shape)} to the lower-rank shape ${formatShape(shape)}.`);
  }
  const offset = shape.length - x.rank;
  x.shape.forEach((d, i) => {
    if (d !== 1 && d !== shape[i + offset]) {
      throw new ShapeError(`Cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}.`);
    }
  });
  // where() broadcasts all three operands and copies values exactly (−0 and bool included). The
  // gradient is torch's sum_to_size: dy summed over the broadcast dimensions (one Sum), not the
  // gradient where() would record (two Wheres, two Sums and an Add).
  return customOp(BROADCAST_TO, [x], () => where(full(shape, true, 'bool'), x, x), (dy, [input]) => [
    reduceToShape(dy, (input as Tensor).shape),
  ]);
});
