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

export const LINEAR_KEYS: readonly string[] = ['inFeatures', 'outFeatures', 'bias', 'generator'];

/**
 * The parameters and repr of a linear layer, shared by Linear and QuantLinear (whose forward
 * returns QuantTensors too).
 */
export abstract class LinearBase extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;

  protected constructor(what: string, options: LinearOptions) {
    super();
    checkOptionKeys(what, options, LINEAR_KEYS, ['inFeatures', 'outFeatures']);
    this.inFeatures = intOption(what, 'inFeatures', options.inFeatures, 0);
    this.outFeatures = intOption(what, 'outFeatures', options.outFeatures, 0);
    const bias = booleanOption(what, 'bias', options.bias ?? true);
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

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pythonBool(this.bias !== null)}`;
  }
}

/**
 * y = x·Wᵀ + b (torch.nn.Linear). Weight [outFeatures, inFeatures], initialised as PyTorch does
 * (kaiming_uniform_(a=√5) then the bias, from the default generator).
 */
export class Linear extends LinearBase {
  static readonly optionKeys: readonly string[] = LINEAR_KEYS;

  constructor(options: LinearOptions) {
    super('Linear', options);
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }
}
