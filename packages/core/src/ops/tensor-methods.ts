/**
 * Chainable methods on Tensor (`x.add(y).relu()`), attached here so that tensor.ts does not import
 * the ops (which import tensor.ts).
 */
import { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import type { DType } from '../kernels/tensor-info.js';
import { ValueError } from '../errors/errors.js';
import type { BackwardOptions } from '../autograd/backward.js';
import { backward } from '../autograd/backward.js';
import type { TensorLike } from './creation.js';
import * as binary from './binary.js';
import * as unary from './unary.js';
import * as reduction from './reduction.js';
import * as shape from './shape.js';
import * as selection from './selection.js';
import { matmul } from './matmul.js';
import { softmax, logSoftmax } from './activation.js';

declare module '../engine/tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(other: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    equal(other: TensorLike): Tensor;
    notEqual(other: TensorLike): Tensor;
    less(other: TensorLike): Tensor;
    lessEqual(other: TensorLike): Tensor;
    greater(other: TensorLike): Tensor;
    greaterEqual(other: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log2(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    trunc(): Tensor;
    sum(axes?: number | readonly number[], keepDims?: boolean): Tensor;
    mean(axes?: number | readonly number[], keepDims?: boolean): Tensor;
    max(axes?: number | readonly number[], keepDims?: boolean): Tensor;
    min(axes?: number | readonly number[], keepDims?: boolean): Tensor;
    argmax(axis?: number, keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    view(...shape: number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(axis?: number): Tensor;
    unsqueeze(axis: number): Tensor;
    permute(...perm: number[]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    matmul(other: Tensor): Tensor;
    clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    cast(dtype: DType): Tensor;
    float(): Tensor;
    int(): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    /** A tensor with the same values, cut from the autograd graph. */
    detach(): Tensor;
    /** A copy with its own storage, on the graph. */
    clone(): Tensor;
    /** Point this tensor at `value`'s storage (same shape and dtype), bumping `version`. */
    assign(value: Tensor): this;
    /** Mark this tensor as a leaf that accumulates gradients (in place). */
    requiresGrad_(flag?: boolean): this;
    backward(upstream?: Tensor, options?: BackwardOptions): void;
  }
}

const proto = Tensor.prototype;
proto.add = function (other) { return binary.add(this, other); };
proto.sub = function (other) { return binary.sub(this, other); };
proto.mul = function (other) { return binary.mul(this, other); };
proto.div = function (other) { return binary.div(this, other); };
proto.pow = function (other) { return binary.pow(this, other); };
proto.maximum = function (other) { return binary.maximum(this, other); };
proto.minimum = function (other) { return binary.minimum(this, other); };
proto.equal = function (other) { return binary.equal(this, other); };
proto.notEqual = function (other) { return binary.notEqual(this, other); };
proto.less = function (other) { return binary.less(this, other); };
proto.lessEqual = function (other) { return binary.lessEqual(this, other); };
proto.greater = function (other) { return binary.greater(this, other); };
proto.greaterEqual = function (other) { return binary.greaterEqual(this, other); };
proto.neg = function () { return unary.neg(this); };
proto.abs = function () { return unary.abs(this); };
proto.sign = function () { return unary.sign(this); };
proto.exp = function () { return unary.exp(this); };
proto.log = function () { return unary.log(this); };
proto.log2 = function () { return unary.log2(this); };
proto.sqrt = function () { return unary.sqrt(this); };
proto.square = function () { return binary.square(this); };
proto.sigmoid = function () { return unary.sigmoid(this); };
proto.tanh = function () { return unary.tanh(this); };
proto.relu = function () { return unary.relu(this); };
proto.floor = function () { return unary.floor(this); };
proto.ceil = function () { return unary.ceil(this); };
proto.round = function () { return unary.round(this); };
proto.trunc = function () { return unary.trunc(this); };
proto.sum = function (axes, keepDims) { return reduction.sum(this, axes, keepDims); };
proto.mean = function (axes, keepDims) { return reduction.mean(this, axes, keepDims); };
proto.max = function (axes, keepDims) { return reduction.max(this, axes, keepDims); };
proto.min = function (axes, keepDims) { return reduction.min(this, axes, keepDims); };
proto.argmax = function (axis, keepDims) { return reduction.argmax(this, axis, keepDims); };
proto.reshape = function (s) { return shape.reshape(this, s); };
proto.view = function (...s) { return shape.reshape(this, s); };
proto.flatten = function (startDim, endDim) { return shape.flatten(this, startDim, endDim); };
proto.squeeze = function (axis) { return shape.squeeze(this, axis); };
proto.unsqueeze = function (axis) { return shape.unsqueeze(this, axis); };
proto.permute = function (...perm) { return shape.permute(this, perm); };
proto.transpose = function (dim0, dim1) { return shape.transpose(this, dim0, dim1); };
proto.matmul = function (other) { return matmul(this, other); };
proto.clamp = function (min, max) { return selection.clamp(this, min, max); };
proto.cast = function (dtype) { return selection.cast(this, dtype); };
proto.float = function () { return selection.cast(this, 'float32'); };
proto.int = function () { return selection.cast(this, 'int32'); };
proto.softmax = function (axis) { return softmax(this, axis); };
proto.logSoftmax = function (axis) { return logSoftmax(this, axis); };
proto.detach = function () { return selection.detach(this); };
proto.clone = function () {
  // Each of these is an exact copy for its dtype (−0 and NaN included).
  if (this.dtype === 'float32') return binary.mul(this, 1);
  if (this.dtype === 'int32') return binary.add(this, 0);
  return selection.logicalAnd(this, this);
};
proto.assign = function (value) {
  if (this.gradFn) throw new ValueError('assign() on a tensor computed by the autograd graph; only leaves can be assigned.');
  if (value.dtype !== this.dtype || !shapeEquals(value.shape, this.shape)) {
    throw new ValueError(
      `assign(): value of shape [${value.shape.join(', ')}] (${value.dtype}) does not match [${this.shape.join(', ')}] (${this.dtype}).`,
    );
  }
  engine().assign(this, value);
  return this;
};
proto.requiresGrad_ = function (flag = true) {
  if (flag && this.dtype !== 'float32') throw new ValueError(`Only float32 tensors can require gradients, got ${this.dtype}.`);
  if (this.gradFn) throw new ValueError('requiresGrad_() is for leaves; this tensor was computed by the autograd graph.');
  this.requiresGrad = flag;
  return this;
};
proto.backward = function (upstream, options) { backward(this, upstream, options); };

function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
