import { engine } from '../../engine/engine.js';
import { op } from '../../engine/op.js';
import type { Tensor } from '../../engine/tensor.js';
import { mul } from '../../ops/binary.js';
import { assertFloat } from '../../ops/operands.js';
import type { Generator } from '../../random/generator.js';
import { getDefaultGenerator } from '../../random/generator.js';
import { Module } from '../module.js';
import { checkOptionKeys, numberOption, pythonFloat } from '../options.js';

const TWO_POW_24 = 16777216;

/** input · noise, noise = bernoulli(1 − p) / (1 − p) in float32 as torch computes it. */
const dropout = op('dropout', (input: Tensor, p: number, generator: Generator): Tensor => {
  assertFloat(input, 'Dropout');
  const keep = Math.fround(1 - p);
  const scale = p === 1 ? 0 : Math.fround(1 / keep);
  const noise = new Float32Array(input.size);
  for (let i = 0; i < noise.length; i++) {
    const u = (generator.random() % TWO_POW_24) / TWO_POW_24;
    noise[i] = u < keep ? scale : 0;
  }
  return mul(input, engine().makeTensor(noise, input.shape, 'float32'));
});

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

  forward(input: Tensor): Tensor {
    if (!this.training || this.p === 0 || input.size === 0) return input;
    return dropout(input, this.p, this.generator ?? getDefaultGenerator());
  }

  override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=False`;
  }
}
