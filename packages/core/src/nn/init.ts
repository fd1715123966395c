/**
 * Weight initialisation as torch.nn.init computes it, so that `manualSeed(s)` followed by a layer
 * constructor gives PyTorch's numbers.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { ValueError } from '../errors/errors.js';
import { sizeOf } from '../kernels/tensor-info.js';
import type { Generator } from '../random/generator.js';
import { getDefaultGenerator } from '../random/generator.js';
import { assertValidShape, formatShape } from '../util/shape.js';

/** Uniform float32 values in [low, high), drawn as torch's `uniform_` on a float32 CPU tensor. */
export function uniformValues(size: number, low: number, high: number, generator: Generator = getDefaultGenerator()): Float32Array {
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new ValueError(`uniform: need finite low ≤ high, got [${low}, ${high}).`);
  }
  return generator.fillUniform(new Float32Array(size), low, high);
}

/** A new float32 tensor of uniform values in [low, high), drawn as torch's `uniform_`. */
export function uniformInit(shape: readonly number[], low: number, high: number, generator?: Generator): Tensor {
  assertValidShape(shape);
  return engine().makeTensor(uniformValues(sizeOf(shape), low, high, generator), shape, 'float32');
}

/** torch.nn.init._calculate_fan_in_and_fan_out: [fanIn, fanOut] of a weight of this shape. */
export function calculateFanInAndFanOut(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new ValueError(`Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${formatShape(shape)}).`);
  }
  const receptiveField = sizeOf(shape.slice(2));
  return [(shape[1] as number) * receptiveField, (shape[0] as number) * receptiveField];
}

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`Unsupported nonlinearity '${String(nonlinearity)}'.`);
  }
}

export interface KaimingUniformOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** The bound of torch.nn.init.kaiming_uniform_: √3 · gain / √fan, in double precision. */
export function kaimingUniformBound(shape: readonly number[], options: Omit<KaimingUniformOptions, 'generator'> = {}): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(shape);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) return 0;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return Math.sqrt(3) * std;
}

/** A new tensor initialised as torch.nn.init.kaiming_uniform_ would fill it. */
export function kaimingUniform(shape: readonly number[], options: KaimingUniformOptions = {}): Tensor {
  const bound = kaimingUniformBound(shape, options);
  return uniformInit(shape, -bound, bound, options.generator);
}

/**
 * PyTorch's default initialisation of a weight layer (Linear, ConvNd, ConvTransposeNd):
 * weight kaiming_uniform_(a=√5), i.e. U(−1/√fanIn, 1/√fanIn), then bias U(−1/√fanIn, 1/√fanIn),
 * drawn in that order from `generator` (the default generator by default).
 */
export function defaultWeightAndBias(weightShape: readonly number[], biasSize: number | null, generator?: Generator): { weight: Tensor; bias: Tensor | null } {
  const weight = kaimingUniform(weightShape, { a: Math.sqrt(5), generator });
  if (biasSize === null) return { weight, bias: null };
  const [fanIn] = calculateFanInAndFanOut(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return { weight, bias: uniformInit([biasSize], -bound, bound, generator) };
}
