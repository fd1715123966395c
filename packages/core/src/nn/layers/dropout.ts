import type { Tensor } from '../../engine/tensor.js';
import { dropout } from '../../ops/dropout.js';
import type { Generator } from '../../random/generator.js';
import { getDefaultGenerator } from '../../random/generator.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import { Module } from '../module.js';
import { checkOptionKeys, numberOption, pythonFloat } from '../options.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** Draw the masks from this generator (default: the default generator at each call). */
  generator?: Generator;
}

/**
 * Zeroes each element with probability p in training and scales the rest by 1/(1 − p)
 * (torch.nn.Dropout); the identity in eval mode or when p = 0. The mask comes from core's
 * Generator (one float32 uniform per element, kept when below 1 − p), so a seed reproduces it;
 * torch draws its Bernoulli mask differently, so the masks differ from torch's.
 */
export class Dropout extends Module {
  static readonly optionKeys: readonly string[] = ['p', 'generator'];
  readonly p: number;
  private readonly generator: Generator | null;

  constructor(options: DropoutOptions = {}) {
    super();
    checkOptionKeys('Dropout', options, Dropout.optionKeys);
    this.p = numberOption('Dropout', 'p', options.p ?? 0.5, 0, 1);
    this.generator = options.generator ?? null;
  }

  /** A QuantTensor keeps its metadata (as in Brevitas): see IntQuantTensor.dropout. */
  forward(input: Tensor): Tensor;
  forward(input: IntQuantTensor): IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor;
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const generator = this.generator ?? getDefaultGenerator();
    if (input instanceof IntQuantTensor) return input.dropout(this.p, this.training, generator);
    if (!this.training || this.p === 0 || input.size === 0) return input;
    return dropout(input, this.p, generator);
  }

  override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=False`;
  }
}
