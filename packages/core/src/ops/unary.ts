import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { DTypeError } from '../errors/errors.js';
import type { TensorLike } from './creation.js';
import { toTensor } from './creation.js';
import { castTo } from './operands.js';

function unary(kernelName: k.UnaryKernelName, x: TensorLike, floatOnly: boolean): Tensor {
  let t = toTensor(x);
  if (t.dtype === 'bool') {
    if (kernelName === k.Neg) throw new DTypeError('neg is not defined for bool tensors; use logicalNot.');
    t = castTo(t, floatOnly ? 'float32' : 'int32');
  } else if (floatOnly) {
    t = castTo(t, 'float32');
  }
  return engine().runKernel(kernelName, [t]);
}

export const neg = op('neg', (x: TensorLike): Tensor => unary(k.Neg, x, false));
export const abs = op('abs', (x: TensorLike): Tensor => unary(k.Abs, x, false));
export const sign = op('sign', (x: TensorLike): Tensor => unary(k.Sign, x, false));
export const exp = op('exp', (x: TensorLike): Tensor => unary(k.Exp, x, true));
export const log = op('log', (x: TensorLike): Tensor => unary(k.Log, x, true));
export const log2 = op('log2', (x: TensorLike): Tensor => unary(k.Log2, x, true));
export const sqrt = op('sqrt', (x: TensorLike): Tensor => unary(k.Sqrt, x, true));
export const sigmoid = op('sigmoid', (x: TensorLike): Tensor => unary(k.Sigmoid, x, true));
export const tanh = op('tanh', (x: TensorLike): Tensor => unary(k.Tanh, x, true));
export const relu = op('relu', (x: TensorLike): Tensor => unary(k.Relu, x, false));
/** Integer tensors are returned unchanged by floor/ceil/round/trunc, as in PyTorch. */
export const floor = op('floor', (x: TensorLike): Tensor => integral(k.Floor, x));
export const ceil = op('ceil', (x: TensorLike): Tensor => integral(k.Ceil, x));
/** Round half to even (torch.round). Its gradient is zero; use `roundSte` for straight-through. */
export const round = op('round', (x: TensorLike): Tensor => integral(k.Round, x));
export const trunc = op('trunc', (x: TensorLike): Tensor => integral(k.Trunc, x));

function integral(kernelName: k.UnaryKernelName, x: TensorLike): Tensor {
  const t = toTensor(x);
  if (t.dtype === 'int32') return engine().makeView(t, t.shape);
  if (t.dtype === 'bool') return castTo(t, 'int32');
  return engine().runKernel(kernelName, [t]);
}
