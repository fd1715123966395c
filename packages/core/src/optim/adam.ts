import type { Tensor } from '../engine/tensor.js';
import { ValueError } from '../errors/errors.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { neg, sqrt } from '../ops/unary.js';
import type { OptimizerParams, ParamGroup } from './optimizer.js';
import { Optimizer, checkNonNegative, withDefaults } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** Adam and AdamW share everything but how weight decay enters. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  private readonly decoupled: boolean;

  protected constructor(name: string, decoupled: boolean, params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions>) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: decoupled ? 1e-2 : 0, amsgrad: false, maximize: false };
    super(name, params, withDefaults(name, defaults, options));
    this.decoupled = decoupled;
  }

  protected checkOptions(o: AdamOptions): void {
    const what = this.what;
    checkNonNegative(what, 'learning rate', o.lr);
    checkNonNegative(what, 'epsilon value', o.eps);
    checkNonNegative(what, 'weightDecay value', o.weightDecay);
    const betas = o.betas as unknown;
    if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(`${what}: betas must be a pair [beta1, beta2].`);
    betas.forEach((b: unknown, i) => {
      if (typeof b !== 'number' || !(b >= 0 && b < 1)) throw new ValueError(`${what}: invalid beta parameter at index ${i}: ${String(b)}.`);
    });
    if (typeof o.amsgrad !== 'boolean' || typeof o.maximize !== 'boolean') throw new ValueError(`${what}: amsgrad and maximize must be true or false.`);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      if (!p.grad) continue;
      let grad: Tensor = maximize ? neg(p.grad) : p.grad;
      let param: Tensor = p;
      if (weightDecay !== 0) {
        if (this.decoupled) param = mul(p, 1 - lr * weightDecay);
        else grad = add(grad, mul(p, weightDecay));
      }
      const state = this.state.get(p);
      const step = (typeof state?.step === 'number' ? state.step : 0) + 1;
      const previousAvg = state?.expAvg;
      const previousAvgSq = state?.expAvgSq;
      // First step: the moments start from zero, so they are (1 − β)·g and (1 − β)·g².
      const expAvg = typeof previousAvg === 'object'
        ? add(mul(previousAvg, beta1), mul(grad, 1 - beta1))
        : mul(grad, 1 - beta1);
      const expAvgSq = typeof previousAvgSq === 'object'
        ? add(mul(previousAvgSq, beta2), mul(mul(grad, 1 - beta2), grad))
        : mul(mul(grad, 1 - beta2), grad);
      this.setState(p, 'step', step);
      this.setState(p, 'expAvg', expAvg);
      this.setState(p, 'expAvgSq', expAvgSq);
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
      const stepSize = lr / biasCorrection1;
      let secondMoment = expAvgSq;
      if (amsgrad) {
        const previousMax = state?.maxExpAvgSq;
        secondMoment = typeof previousMax === 'object' ? maximum(previousMax, expAvgSq) : expAvgSq;
        this.setState(p, 'maxExpAvgSq', secondMoment);
      }
      const denom = add(div(sqrt(secondMoment), biasCorrection2Sqrt), eps);
      // torch's addcdiv_(m, denom, value=−stepSize) evaluates (value·m)/denom.
      p.assign(sub(param, div(mul(expAvg, stepSize), denom)));
    }
  }
}

/**
 * Adam (torch.optim.Adam): m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
 * p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps); weightDecay adds weightDecay·p to g.
 */
export class Adam extends AdamBase {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', false, params, options);
  }
}

/** AdamW (torch.optim.AdamW): Adam with decoupled weight decay p = p·(1 − lr·weightDecay) (default 1e-2). */
export class AdamW extends AdamBase {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', true, params, options);
  }
}
