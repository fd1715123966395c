/** Brevitas's DelayWrapper: return the float input instead of the quantized one for the first steps. */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';

class NoDelay extends Module {
  protected override getName(): string {
    return '_NoDelay';
  }
  forward(_x: Tensor, y: Tensor): Tensor {
    return y;
  }
}

class DelayQuant extends Module {
  constructor(public remainingSteps: number) {
    super();
  }
  protected override getName(): string {
    return '_DelayQuant';
  }
  forward(x: Tensor, y: Tensor): Tensor {
    if (this.training && this.remainingSteps > 0) {
      this.remainingSteps--;
      return x;
    }
    return y;
  }
}

export class DelayWrapper extends Module {
  readonly delayImpl: Module;

  constructor(quantDelaySteps: number | null) {
    super();
    this.delayImpl = this.registerModule('delayImpl', quantDelaySteps ? new DelayQuant(quantDelaySteps) : new NoDelay());
  }

  get isDelayed(): boolean {
    return this.delayImpl instanceof DelayQuant && this.delayImpl.remainingSteps > 0;
  }

  forward(x: Tensor, y: Tensor): Tensor {
    return this.delayImpl.forward(x, y) as Tensor;
  }
}
