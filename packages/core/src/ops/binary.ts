import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { broadcastShapes } from '../util/shape.js';
import type { TensorLike } from './creation.js';
import { binaryOperands, castTo } from './operands.js';
import { toTensor } from './creation.js';

function arithmetic(kernelName: k.ArithmeticKernelName, a: TensorLike, b: TensorLike, floatOnly = false): Tensor {
  let [ta, tb] = binaryOperands(a, b);
  if (floatOnly || ta.dtype === 'bool') {
    // bool arithmetic promotes (True + True = 2), division is always true division.
    const dtype = floatOnly ? 'float32' : 'int32';
    ta = castTo(ta, dtype);
    tb = castTo(tb, dtype);
  }
  broadcastShapes(ta.shape, tb.shape, `operands of ${kernelName.toLowerCase()}`);
  return engine().runKernel(kernelName, [ta, tb]);
}

function comparison(kernelName: k.ComparisonKernelName, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = binaryOperands(a, b);
  broadcastShapes(ta.shape, tb.shape, `operands of ${kernelName.toLowerCase()}`);
  return engine().runKernel(kernelName, [ta, tb]);
}

export const add = op('add', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Add, a, b));
export const sub = op('sub', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Sub, a, b));
export const mul = op('mul', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Mul, a, b));
/** True division: the result is float32 even for integer operands. */
export const div = op('div', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Div, a, b, true));
export const pow = op('pow', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Pow, a, b));
export const maximum = op('maximum', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Maximum, a, b));
export const minimum = op('minimum', (a: TensorLike, b: TensorLike): Tensor => arithmetic(k.Minimum, a, b));

export const equal = op('equal', (a: TensorLike, b: TensorLike): Tensor => comparison(k.Equal, a, b));
export const notEqual = op('notEqual', (a: TensorLike, b: TensorLike): Tensor => comparison(k.NotEqual, a, b));
export const less = op('less', (a: TensorLike, b: TensorLike): Tensor => comparison(k.Less, a, b));
export const lessEqual = op('lessEqual', (a: TensorLike, b: TensorLike): Tensor => comparison(k.LessEqual, a, b));
export const greater = op('greater', (a: TensorLike, b: TensorLike): Tensor => comparison(k.Greater, a, b));
export const greaterEqual = op('greaterEqual', (a: TensorLike, b: TensorLike): Tensor => comparison(k.GreaterEqual, a, b));

export const square = op('square', (x: TensorLike): Tensor => {
  const t = toTensor(x);
  return mul(t, t);
});
