import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { ValueError } from '../errors/errors.js';
import type { Generator } from '../random/generator.js';
import { getDefaultGenerator } from '../random/generator.js';
import { mul } from './binary.js';
import { assertFloat } from './operands.js';

/**
 * Training-mode dropout (torch.nn.functional.dropout with training=True): input · noise, noise =
 * bernoulli(1 − p) / (1 − p) in float32 as torch computes it. The mask comes from core's Generator
 * (one float32 uniform per element, kept when below 1 − p), so a seed reproduces it; torch draws
 * its Bernoulli mask differently, so the masks differ from torch's.
 */
export const dropout = op('dropout', (input: Tensor, p: number, generator: Generator = getDefaultGenerator()): Tensor => {
  assertFloat(input, 'dropout');
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: p must be in [0, 1], got ${p}.`);
  if (p === 0 || input.size === 0) return input;
  const keep = Math.fround(1 - p);
  const scale = p === 1 ? 0 : Math.fround(1 / keep);
  const noise = new Float32Array(input.size);
  for (let i = 0; i < noise.length; i++) {
    noise[i] = generator.uniformFloat32() < keep ? scale : 0;
  }
  return mul(input, engine().makeTensor(noise, input.shape, 'float32'));
});
