/** Brevitas's QuantConv1d/2d and QuantConvTranspose1d/2d: the float layers with quantizers. */
import type { Tensor } from '../../engine/tensor.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../../ops/conv.js';
import type { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import type { Conv1dOptions, Conv2dOptions, ConvTranspose1dOptions, ConvTranspose2dOptions } from '../layers/conv.js';
import { CONV_KEYS, CONV_TRANSPOSE_KEYS, ConvNd } from '../layers/conv.js';
import type { QuantWBIOLOptions, QuantWBIOLParts } from './quant-wbiol.js';
import { forwardQuantWBIOL, initQuantWBIOL } from './quant-wbiol.js';

function pick<T extends object>(options: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(options).filter(([key]) => keys.includes(key))) as T;
}

function product(values: readonly number[]): number {
  return values.reduce((p, v) => p * v, 1);
}

/** Patch size of a transposed convolution: Σ max(ceil(k / s), 1) over axes, as Brevitas sums it. */
function transposedPatchSize(kernelSize: readonly number[], stride: readonly number[]): number {
  return kernelSize.reduce((sum, k, i) => sum + Math.max(Math.ceil(k / (stride[i] as number)), 1), 0);
}

function padding2d(padding: readonly number[] | 'same' | 'valid'): [number, number] | 'same' | 'valid' {
  return typeof padding === 'string' ? padding : [padding[0] as number, padding[1] as number];
}

/** What the four quantized convolutions share (Brevitas's QuantWBIOL on a ConvNd). */
abstract class QuantConvNd extends ConvNd {
  /** The weight's output-channel dimension: 1 for a transposed convolution's [in, out/g, …], else 0. */
  readonly outputChannelDim: number;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  protected constructor(
    what: string, dims: 1 | 2, transposed: boolean,
    options: (Conv2dOptions | Conv1dOptions | ConvTranspose2dOptions | ConvTranspose1dOptions) & QuantWBIOLOptions,
  ) {
    const keys = transposed ? CONV_TRANSPOSE_KEYS : CONV_KEYS;
    super(what, dims, transposed, pick(options, keys));
    // Set before the quantizers are built: per-channel weight scaling reads it.
    this.outputChannelDim = transposed ? 1 : 0;
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, what, options, keys);
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  /** The quantized weight (Brevitas's quant_weight()). */
  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  /** Products summed per output: the accumulator's reduction size. */
  protected abstract reductionSize(): number;

  /** The float convolution of the quantized operands. */
  protected abstract convolve(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor;

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const spec = { channelDim: 1, reductionSize: this.reductionSize() };
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, spec, (x, w, b) => this.convolve(x, w, b));
  }
}

const pair = (v: readonly number[]): [number, number] => [v[0] as number, v[1] as number];

export class QuantConv2d extends QuantConvNd {
  constructor(options: Conv2dOptions & QuantWBIOLOptions) {
    super('QuantConv2d', 2, false, options);
  }

  protected reductionSize(): number {
    return product(this.kernelSize) * (this.inChannels / this.groups);
  }

  protected convolve(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
    return conv2d(x, w, b, { stride: pair(this.stride), padding: padding2d(this.padding), dilation: pair(this.dilation), groups: this.groups });
  }
}

export class QuantConv1d extends QuantConvNd {
  constructor(options: Conv1dOptions & QuantWBIOLOptions) {
    super('QuantConv1d', 1, false, options);
  }

  protected reductionSize(): number {
    return product(this.kernelSize) * (this.inChannels / this.groups);
  }

  protected convolve(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
    const padding = typeof this.padding === 'string' ? this.padding : (this.padding[0] as number);
    return conv1d(x, w, b, { stride: this.stride[0] as number, padding, dilation: this.dilation[0] as number, groups: this.groups });
  }
}

export class QuantConvTranspose2d extends QuantConvNd {
  constructor(options: ConvTranspose2dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose2d', 2, true, options);
  }

  protected reductionSize(): number {
    return transposedPatchSize(this.kernelSize, this.stride) * (this.outChannels / this.groups);
  }

  protected convolve(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
    return convTranspose2d(x, w, b, {
      stride: pair(this.stride),
      padding: pair(this.padding as readonly number[]),
      outputPadding: pair(this.outputPadding),
      dilation: pair(this.dilation),
      groups: this.groups,
    });
  }
}

export class QuantConvTranspose1d extends QuantConvNd {
  constructor(options: ConvTranspose1dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose1d', 1, true, options);
  }

  protected reductionSize(): number {
    return transposedPatchSize(this.kernelSize, this.stride) * (this.outChannels / this.groups);
  }

  protected convolve(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
    return convTranspose1d(x, w, b, {
      stride: this.stride[0] as number,
      padding: (this.padding as readonly number[])[0] as number,
      outputPadding: this.outputPadding[0] as number,
      dilation: this.dilation[0] as number,
      groups: this.groups,
    });
  }
}
