import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../errors/errors.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { arange } from './creation.js';
import { equal, mul, sub } from './binary.js';
import { neg } from './unary.js';
import { mean, max, min, sum } from './reduction.js';
import { concat, reshape } from './shape.js';
import { cast } from './selection.js';
import { logSoftmax } from './activation.js';
import { square } from './binary.js';

export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(reduction: string): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`Unknown reduction '${reduction}': use 'mean', 'sum' or 'none'.`);
  }
}

function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses) : mean(losses);
}

/** One-hot float32 rows for int32 class indices [N] → [N, numClasses]. */
export const oneHot = op('oneHot', (indices: Tensor, numClasses: number): Tensor => {
  if (indices.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32, got ${indices.dtype}.`);
  // The range check reads back two scalars (on a backend without synchronous reads, at the next read).
  if (indices.size > 0) {
    engine().check(concat([reshape(min(indices), [1]), reshape(max(indices), [1])], 0), ([lo, hi]) =>
      (lo as number) < 0 || (hi as number) >= numClasses
        ? new ValueError(`oneHot: class indices must be in [0, ${numClasses - 1}], got values in [${lo}, ${hi}].`)
        : null);
  }
  return cast(equal(reshape(indices, [...indices.shape, 1]), arange(numClasses)), 'float32');
});

/** Negative log-likelihood of int32 targets [N] under log-probabilities [N, C]. */
export const nllLoss = op('nllLoss', (logProbs: Tensor, targets: Tensor, reduction: Reduction = 'mean'): Tensor => {
  checkReduction(reduction);
  if (logProbs.rank !== 2) throw new ShapeError(`nllLoss: input must be [N, C], got ${formatShape(logProbs.shape)}.`);
  if (targets.rank !== 1 || targets.shape[0] !== logProbs.shape[0]) {
    throw new ShapeError(`nllLoss: targets ${formatShape(targets.shape)} do not match the batch of input ${formatShape(logProbs.shape)}.`);
  }
  const picked = sum(mul(logProbs, oneHot(targets, logProbs.shape[1] as number)), 1);
  return reduce(neg(picked), reduction);
});

/**
 * Cross-entropy from logits [N, C] (torch.nn.functional.cross_entropy): targets are int32 class
 * indices [N], or float32 class probabilities [N, C].
 */
export const crossEntropy = op('crossEntropy', (logits: Tensor, targets: Tensor, reduction: Reduction = 'mean'): Tensor => {
  checkReduction(reduction);
  if (logits.rank !== 2) throw new ShapeError(`crossEntropy: logits must be [N, C], got ${formatShape(logits.shape)}.`);
  const logProbs = logSoftmax(logits, 1);
  if (targets.dtype === 'int32') return nllLoss(logProbs, targets, reduction);
  if (targets.dtype !== 'float32') throw new DTypeError(`crossEntropy: targets must be int32 indices or float32 probabilities, got ${targets.dtype}.`);
  if (!shapesEqual(targets.shape, logits.shape)) {
    throw new ShapeError(`crossEntropy: probability targets ${formatShape(targets.shape)} must match logits ${formatShape(logits.shape)}.`);
  }
  return reduce(neg(sum(mul(logProbs, targets), 1)), reduction);
});

/** Mean squared error (torch.nn.functional.mse_loss). */
export const mseLoss = op('mseLoss', (input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor => {
  checkReduction(reduction);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in shape.`);
  }
  return reduce(square(sub(input, target)), reduction);
});
