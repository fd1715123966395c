import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { sizeOf } from '../kernels/tensor-info.js';
import { ValueError } from '../errors/errors.js';
import { assertValidShape } from '../util/shape.js';
import type { Generator } from '../random/generator.js';
import { getDefaultGenerator } from '../random/generator.js';

export interface RandomOptions {
  generator?: Generator;
}

/** Uniform [0, 1) float32 (torch.rand). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return uniform(shape, 0, 1, options);
}

/** Uniform [low, high) float32 (torch's uniform_). */
export function uniform(shape: readonly number[], low: number, high: number, options: RandomOptions = {}): Tensor {
  assertValidShape(shape);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new ValueError(`uniform: need finite low ≤ high, got [${low}, ${high}).`);
  }
  const gen = options.generator ?? getDefaultGenerator();
  const values = gen.fillUniform(new Float32Array(sizeOf(shape)), low, high);
  return engine().makeTensor(values, shape, 'float32');
}

/** Standard normal float32 (torch.randn), optionally scaled. */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  assertValidShape(shape);
  const std = options.std ?? 1;
  if (!(std >= 0)) throw new ValueError(`randn: std must be ≥ 0, got ${std}.`);
  const gen = options.generator ?? getDefaultGenerator();
  const values = gen.fillNormal(new Float32Array(sizeOf(shape)), options.mean ?? 0, std);
  return engine().makeTensor(values, shape, 'float32');
}
