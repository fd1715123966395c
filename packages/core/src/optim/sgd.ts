import type { Tensor } from '../engine/tensor.js';
import { ValueError } from '../errors/errors.js';
import { add, mul, sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import type { OptimizerParams, ParamGroup } from './optimizer.js';
import { Optimizer, checkNonNegative, withDefaults } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with PyTorch's update rule (torch.optim.SGD):
 * g = grad + weightDecay·p; with momentum, b = g on the first step, then
 * b = momentum·b + (1 − dampening)·g, and g = g + momentum·b (Nesterov) or g = b; p = p − lr·g.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: OptimizerParams<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, withDefaults('SGD', { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, options));
  }

  protected checkOptions(o: SGDOptions): void {
    checkNonNegative('SGD', 'learning rate', o.lr);
    checkNonNegative('SGD', 'momentum value', o.momentum);
    checkNonNegative('SGD', 'weightDecay value', o.weightDecay);
    if (typeof o.dampening !== 'number' || !Number.isFinite(o.dampening)) throw new ValueError(`SGD: invalid dampening: ${String(o.dampening)}.`);
    if (typeof o.nesterov !== 'boolean' || typeof o.maximize !== 'boolean') throw new ValueError('SGD: nesterov and maximize must be true or false.');
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError('SGD: Nesterov momentum requires a momentum and zero dampening.');
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (!p.grad) continue;
      let d: Tensor = maximize ? neg(p.grad) : p.grad;
      if (weightDecay !== 0) d = add(d, mul(p, weightDecay));
      if (momentum !== 0) {
        const previous = this.state.get(p)?.momentumBuffer;
        let buffer: Tensor;
        if (previous === undefined || typeof previous === 'number') {
          buffer = d;
        } else {
          buffer = add(mul(previous, momentum), dampening === 0 ? d : mul(d, 1 - dampening));
        }
        this.setState(p, 'momentumBuffer', buffer);
        d = nesterov ? add(d, mul(buffer, momentum)) : buffer;
      }
      p.assign(sub(p, mul(d, lr)));
    }
  }
}
