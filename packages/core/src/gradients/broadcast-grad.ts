import type { Tensor } from '../engine/tensor.js';
import { shapesEqual } from '../util/shape.js';
import { sum } from '../ops/reduction.js';
import { reshape } from '../ops/shape.js';

/** Sum a gradient over the dimensions that broadcasting expanded, back to `shape`. */
export function reduceToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const offset = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < offset || (shape[i - offset] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(grad, axes, true), shape);
}
