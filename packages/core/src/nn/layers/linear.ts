import type { Tensor } from '../../engine/tensor.js';
import { noGrad } from '../../engine/op.js';
import { linear } from '../../ops/matmul.js';
import type { Generator } from '../../random/generator.js';
import { defaultWeightAndBias } from '../init.js';
import { Module } from '../module.js';
import { booleanOption, checkOptionKeys, intOption, pythonBool } from '../options.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Draw the initial values from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * y = x·Wᵀ + b (torch.nn.Linear). Weight [outFeatures, inFeatures], initialised as PyTorch does
 * (kaiming_uniform_(a=√5) then the bias, from the default generator).
 */
export class Linear extends Module {
  static readonly optionKeys: readonly string[] = ['inFeatures', 'outFeatures', 'bias', 'generator'];
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(options: LinearOptions) {
    super();
    checkOptionKeys('Linear', options, Linear.optionKeys, ['inFeatures', 'outFeatures']);
    this.inFeatures = intOption('Linear', 'inFeatures', options.inFeatures, 0);
    this.outFeatures = intOption('Linear', 'outFeatures', options.outFeatures, 0);
    const bias = booleanOption('Linear', 'bias', options.bias ?? true);
    const init = defaultWeightAndBias([this.outFeatures, this.inFeatures], bias ? this.outFeatures : null, options.generator);
    this.registerParameter('weight', init.weight);
    this.registerParameter('bias', init.bias);
  }

  get weight(): Tensor {
    return this.ownParameter('weight') as Tensor;
  }

  get bias(): Tensor | null {
    return this.ownParameter('bias');
  }

  /** Draw new initial values (PyTorch's reset_parameters). */
  resetParameters(generator?: Generator): void {
    const init = defaultWeightAndBias(this.weight.shape, this.bias ? this.outFeatures : null, generator);
    noGrad(() => {
      this.weight.assign(init.weight);
      if (init.bias) this.bias?.assign(init.bias);
    });
    init.weight.dispose();
    init.bias?.dispose();
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pythonBool(this.bias !== null)}`;
  }
}
