import type { Backend, DType, TensorInfo, TypedArray } from '@parvus/core';
import { sizeOf, typedArrayFor } from '@parvus/core';
import { ReferenceBackend } from '../reference-backend.js';
import { blockBroadcast, broadcastIndices, broadcastShape, isScalarBroadcast, sameShape } from '../impl/broadcast.js';
import type { ArithmeticOp, ComparisonOp, UnaryOp } from '../impl/elementwise.js';
import { arithmeticFloat, arithmeticFloatBlock, arithmeticInt, comparison, comparisonScalar, unaryFloat, unaryInt } from '../impl/elementwise.js';

export function asReference(backend: Backend): ReferenceBackend {
  if (!(backend instanceof ReferenceBackend)) throw new Error(`expected the reference backend, got '${backend.name}'`);
  return backend;
}

export function allocate(dtype: DType, shape: readonly number[]): TypedArray {
  return typedArrayFor(dtype, sizeOf(shape));
}

export function unaryKernel(op: UnaryOp) {
  return ({ inputs, backend }: { inputs: readonly TensorInfo[]; backend: Backend }): TensorInfo => {
    const b = asReference(backend);
    const x = inputs[0] as TensorInfo;
    if (x.dtype === 'bool') throw new Error(`${op} is not defined for bool tensors`);
    const out = x.dtype === 'float32' ? b.allocateFloat32(sizeOf(x.shape)) : allocate(x.dtype, x.shape);
    if (x.dtype === 'float32') unaryFloat(op, b.values<Float32Array>(x), out as Float32Array);
    else unaryInt(op, b.values<Int32Array>(x), out as Int32Array);
    return b.output(out, x.shape, x.dtype);
  };
}

export function arithmeticKernel(op: ArithmeticOp) {
  return ({ inputs, backend }: { inputs: readonly TensorInfo[]; backend: Backend }): TensorInfo => {
    const b = asReference(backend);
    const [x, y] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== y.dtype) throw new Error(`${op}: operand dtypes differ (${x.dtype}, ${y.dtype})`);
    const shape = broadcastShape(x.shape, y.shape);
    const out = x.dtype === 'float32' ? b.allocateFloat32(sizeOf(shape)) : allocate(x.dtype, shape);
    if (x.dtype === 'float32') {
      // One operand of the output's shape, the other a block of it (a single value, a channel's
      // scale, a bias row): no index maps, each block value hoisted over its run.
      const xFull = sameShape(x.shape, shape);
      const yFull = sameShape(y.shape, shape);
      const yBlock = xFull && !yFull ? blockBroadcast(shape, y.shape) : null;
      const xBlock = !yBlock && yFull && !xFull ? blockBroadcast(shape, x.shape) : null;
      const block = yBlock ?? xBlock;
      if (block) {
        const [f, p] = yBlock ? [x, y] : [y, x];
        arithmeticFloatBlock(op, b.values<Float32Array>(f), b.values<Float32Array>(p), out as Float32Array, block.outer, block.period, block.inner, xBlock !== null);
        return b.output(out, shape, x.dtype);
      }
    }
    const ix = broadcastIndices(shape, x.shape);
    const iy = broadcastIndices(shape, y.shape);
    if (x.dtype === 'float32') arithmeticFloat(op, b.values<Float32Array>(x), b.values<Float32Array>(y), out as Float32Array, ix, iy);
    else if (x.dtype === 'int32') arithmeticInt(op, b.values<Int32Array>(x), b.values<Int32Array>(y), out as Int32Array, ix, iy);
    else throw new Error(`${op} is not defined for bool tensors`);
    return b.output(out, shape, x.dtype);
  };
}

export function comparisonKernel(op: ComparisonOp) {
  return ({ inputs, backend }: { inputs: readonly TensorInfo[]; backend: Backend }): TensorInfo => {
    const b = asReference(backend);
    const [x, y] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== y.dtype) throw new Error(`${op}: operand dtypes differ (${x.dtype}, ${y.dtype})`);
    const shape = broadcastShape(x.shape, y.shape);
    const out = new Uint8Array(sizeOf(shape));
    const scalar = scalarOperand(shape, x, y);
    if (scalar !== null) {
      const [tensor, value] = scalar === 'y' ? [x, b.values(y)[0] as number] : [y, b.values(x)[0] as number];
      comparisonScalar(op, b.values(tensor), value, out, scalar === 'x');
      return b.output(out, shape, 'bool');
    }
    comparison(op, b.values(x), b.values(y), out, broadcastIndices(shape, x.shape), broadcastIndices(shape, y.shape));
    return b.output(out, shape, 'bool');
  };
}

/** Which operand is a single value broadcast over the other, which has the output's shape. */
function scalarOperand(shape: readonly number[], x: TensorInfo, y: TensorInfo): 'x' | 'y' | null {
  if (isScalarBroadcast(y.shape) && sameShape(x.shape, shape) && !isScalarBroadcast(x.shape)) return 'y';
  if (isScalarBroadcast(x.shape) && sameShape(y.shape, shape) && !isScalarBroadcast(y.shape)) return 'x';
  return null;
}
