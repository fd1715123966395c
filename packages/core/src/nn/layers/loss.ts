/** Losses as modules (torch.nn.CrossEntropyLoss, NLLLoss, MSELoss). */
import type { Tensor } from '../../engine/tensor.js';
import { ValueError } from '../../errors/errors.js';
import type { Reduction } from '../../ops/loss.js';
import { crossEntropy, mseLoss, nllLoss } from '../../ops/loss.js';
import { Module } from '../module.js';
import { checkOptionKeys } from '../options.js';

export interface LossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

abstract class Loss extends Module {
  static readonly optionKeys: readonly string[] = ['reduction'];
  readonly reduction: Reduction;

  protected constructor(what: string, options: LossOptions) {
    super();
    checkOptionKeys(what, options, Loss.optionKeys);
    const reduction = options.reduction ?? 'mean';
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new ValueError(`${what}: option 'reduction' must be 'mean', 'sum' or 'none', got '${String(reduction)}'.`);
    }
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Cross-entropy of logits [N, C] against int32 class indices [N] or float32 probabilities [N, C]. */
export class CrossEntropyLoss extends Loss {
  constructor(options: LossOptions = {}) {
    super('CrossEntropyLoss', options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.reduction);
  }
}

/** Negative log-likelihood of int32 targets [N] under log-probabilities [N, C]. */
export class NLLLoss extends Loss {
  constructor(options: LossOptions = {}) {
    super('NLLLoss', options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.reduction);
  }
}

/** Mean squared error. */
export class MSELoss extends Loss {
  constructor(options: LossOptions = {}) {
    super('MSELoss', options);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}
