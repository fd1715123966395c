/**
 * Convolutions (torch.nn.Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d), NCHW, with PyTorch's
 * default initialisation and repr. Unbatched inputs ([C, L] / [C, H, W]) work as in PyTorch.
 */
import { noGrad } from '../../engine/op.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError, ValueError } from '../../errors/errors.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../../ops/conv.js';
import { squeeze, unsqueeze } from '../../ops/shape.js';
import type { Generator } from '../../random/generator.js';
import { formatShape } from '../../util/shape.js';
import { defaultWeightAndBias } from '../init.js';
import { Module } from '../module.js';
import { booleanOption, checkOptionKeys, intOption, pythonBool, pythonTuple } from '../options.js';

type Ints = readonly number[];

interface ConvCommonOptions {
  inChannels: number;
  outChannels: number;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Only 'zeros' (the default) is supported. */
  paddingMode?: 'zeros';
  /** Draw the initial values from this generator instead of the default one. */
  generator?: Generator;
}

export interface Conv1dOptions extends ConvCommonOptions {
  kernelSize: number | readonly [number];
  stride?: number | readonly [number];
  padding?: number | readonly [number] | 'same' | 'valid';
  dilation?: number | readonly [number];
}

export interface Conv2dOptions extends ConvCommonOptions {
  kernelSize: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number] | 'same' | 'valid';
  dilation?: number | readonly [number, number];
}

export interface ConvTranspose1dOptions extends ConvCommonOptions {
  kernelSize: number | readonly [number];
  stride?: number | readonly [number];
  padding?: number | readonly [number];
  outputPadding?: number | readonly [number];
  dilation?: number | readonly [number];
}

export interface ConvTranspose2dOptions extends ConvCommonOptions {
  kernelSize: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  outputPadding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
}

export const CONV_KEYS: readonly string[] = ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'generator'];
export const CONV_TRANSPOSE_KEYS: readonly string[] = [...CONV_KEYS.slice(0, 5), 'outputPadding', ...CONV_KEYS.slice(5)];

/** PyTorch's `_single` / `_pair`: a number repeated, or a tuple of the right length, each ≥ min. */
function tupleOption(what: string, name: string, value: unknown, dims: number, min: number): number[] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (ok(value)) return Array.from({ length: dims }, () => value);
  if (Array.isArray(value) && value.length === dims && value.every(ok)) return [...(value as number[])];
  const shape = dims === 1 ? 'a 1-tuple' : `a ${dims}-tuple`;
  throw new ValueError(`${what}: option '${name}' must be an integer ≥ ${min} or ${shape} of them, got ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}.`);
}

/** What ConvNd layers share (PyTorch's _ConvNd). */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Ints;
  readonly stride: Ints;
  /** Per-axis padding, or 'same' / 'valid'. */
  readonly padding: Ints | 'same' | 'valid';
  readonly dilation: Ints;
  readonly outputPadding: Ints;
  readonly groups: number;
  readonly transposed: boolean;
  readonly paddingMode = 'zeros';

  protected constructor(what: string, dims: 1 | 2, transposed: boolean, options: Conv2dOptions | Conv1dOptions | ConvTranspose2dOptions | ConvTranspose1dOptions) {
    super();
    checkOptionKeys(what, options, transposed ? CONV_TRANSPOSE_KEYS : CONV_KEYS, ['inChannels', 'outChannels', 'kernelSize']);
    this.transposed = transposed;
    this.inChannels = intOption(what, 'inChannels', options.inChannels, 1);
    this.outChannels = intOption(what, 'outChannels', options.outChannels, 1);
    this.groups = intOption(what, 'groups', options.groups ?? 1, 1);
    if (this.inChannels % this.groups !== 0) throw new ValueError(`${what}: inChannels (${this.inChannels}) must be divisible by groups (${this.groups}).`);
    if (this.outChannels % this.groups !== 0) throw new ValueError(`${what}: outChannels (${this.outChannels}) must be divisible by groups (${this.groups}).`);
    this.kernelSize = tupleOption(what, 'kernelSize', options.kernelSize, dims, 1);
    this.stride = tupleOption(what, 'stride', options.stride ?? 1, dims, 1);
    this.dilation = tupleOption(what, 'dilation', options.dilation ?? 1, dims, 1);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string') {
      if (transposed) throw new ValueError(`${what}: option 'padding' must be an integer or a tuple for transposed convolutions, got '${padding}'.`);
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(`${what}: invalid padding string '${padding}', should be one of 'valid', 'same'.`);
      }
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new ValueError(`${what}: padding='same' is not supported for strided convolutions.`);
      }
      this.padding = padding;
    } else {
      this.padding = tupleOption(what, 'padding', padding, dims, 0);
    }
    const outputPadding = (options as ConvTranspose2dOptions).outputPadding ?? 0;
    this.outputPadding = tupleOption(what, 'outputPadding', outputPadding, dims, 0);
    this.outputPadding.forEach((p, i) => {
      if (p >= Math.max(this.stride[i] as number, this.dilation[i] as number)) {
        throw new ValueError(`${what}: option 'outputPadding' must be smaller than either stride or dilation, got outputPadding=${pythonTuple(this.outputPadding)}, stride=${pythonTuple(this.stride)}, dilation=${pythonTuple(this.dilation)}.`);
      }
    });
    if ((options.paddingMode ?? 'zeros') !== 'zeros') {
      throw new ValueError(`${what}: paddingMode '${String(options.paddingMode)}' is not supported; only 'zeros'.`);
    }
    const bias = booleanOption(what, 'bias', options.bias ?? true);
    const init = defaultWeightAndBias(this.weightShape(), bias ? this.outChannels : null, options.generator);
    this.registerParameter('weight', init.weight);
    this.registerParameter('bias', init.bias);
  }

  /** [out, in/groups, ...k], or [in, out/groups, ...k] when transposed. */
  private weightShape(): number[] {
    return this.transposed
      ? [this.inChannels, this.outChannels / this.groups, ...this.kernelSize]
      : [this.outChannels, this.inChannels / this.groups, ...this.kernelSize];
  }

  get weight(): Tensor {
    return this.ownParameter('weight') as Tensor;
  }

  get bias(): Tensor | null {
    return this.ownParameter('bias');
  }

  /** Draw new initial values (PyTorch's reset_parameters). */
  resetParameters(generator?: Generator): void {
    const init = defaultWeightAndBias(this.weight.shape, this.bias ? this.outChannels : null, generator);
    noGrad(() => {
      this.weight.assign(init.weight);
      if (init.bias) this.bias?.assign(init.bias);
    });
    init.weight.dispose();
    init.bias?.dispose();
  }

  /** The layer's convolution of a batched input with `weight` and `bias` (the quantized layers pass theirs). */
  protected convolve(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const { groups } = this;
    const one = (v: Ints): number => v[0] as number;
    const two = (v: Ints): [number, number] => [v[0] as number, v[1] as number];
    if (this.transposed) {
      const padding = this.padding as Ints;
      return this.kernelSize.length === 1
        ? convTranspose1d(x, weight, bias, { stride: one(this.stride), padding: one(padding), outputPadding: one(this.outputPadding), dilation: one(this.dilation), groups })
        : convTranspose2d(x, weight, bias, { stride: two(this.stride), padding: two(padding), outputPadding: two(this.outputPadding), dilation: two(this.dilation), groups });
    }
    const padding = this.padding;
    return this.kernelSize.length === 1
      ? conv1d(x, weight, bias, { stride: one(this.stride), padding: typeof padding === 'string' ? padding : one(padding), dilation: one(this.dilation), groups })
      : conv2d(x, weight, bias, { stride: two(this.stride), padding: typeof padding === 'string' ? padding : two(padding), dilation: two(this.dilation), groups });
  }

  /** Run `fn` on a batched input, adding and removing the batch axis for an unbatched one. */
  protected batched(input: Tensor, what: string, fn: (x: Tensor) => Tensor): Tensor {
    const dims = this.kernelSize.length;
    if (input.rank === dims + 2) return fn(input);
    if (input.rank === dims + 1) return squeeze(fn(unsqueeze(input, 0)), 0);
    throw new ShapeError(
      `Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${what}, but got input of size: ${formatShape(input.shape)}.`,
    );
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pythonTuple(this.kernelSize)}, stride=${pythonTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pythonTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pythonTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pythonTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += `, bias=${pythonBool(false)}`;
    return s;
  }
}

/** 1-D convolution over [N, C, L] (torch.nn.Conv1d). */
export class Conv1d extends ConvNd {
  static readonly optionKeys: readonly string[] = CONV_KEYS;

  constructor(options: Conv1dOptions) {
    super('Conv1d', 1, false, options);
  }

  forward(input: Tensor): Tensor {
    return this.batched(input, 'conv1d', (x) => this.convolve(x, this.weight, this.bias));
  }
}

/** 2-D convolution over [N, C, H, W] (torch.nn.Conv2d). */
export class Conv2d extends ConvNd {
  static readonly optionKeys: readonly string[] = CONV_KEYS;

  constructor(options: Conv2dOptions) {
    super('Conv2d', 2, false, options);
  }

  forward(input: Tensor): Tensor {
    return this.batched(input, 'conv2d', (x) => this.convolve(x, this.weight, this.bias));
  }
}

/** 1-D transposed convolution over [N, C, L] (torch.nn.ConvTranspose1d). */
export class ConvTranspose1d extends ConvNd {
  static readonly optionKeys: readonly string[] = CONV_TRANSPOSE_KEYS;

  constructor(options: ConvTranspose1dOptions) {
    super('ConvTranspose1d', 1, true, options);
  }

  forward(input: Tensor): Tensor {
    return this.batched(input, 'conv_transpose1d', (x) => this.convolve(x, this.weight, this.bias));
  }
}

/** 2-D transposed convolution over [N, C, H, W] (torch.nn.ConvTranspose2d). */
export class ConvTranspose2d extends ConvNd {
  static readonly optionKeys: readonly string[] = CONV_TRANSPOSE_KEYS;

  constructor(options: ConvTranspose2dOptions) {
    super('ConvTranspose2d', 2, true, options);
  }

  forward(input: Tensor): Tensor {
    return this.batched(input, 'conv_transpose2d', (x) => this.convolve(x, this.weight, this.bias));
  }
}
