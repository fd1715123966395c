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

export class QuantConv2d extends ConvNd {
  readonly outputChannelDim = 0;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  constructor(options: Conv2dOptions & QuantWBIOLOptions) {
    super('QuantConv2d', 2, false, pick(options, CONV_KEYS));
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, 'QuantConv2d', options, CONV_KEYS);
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  /** The quantized weight (Brevitas's quant_weight()). */
  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const spec = { channelDim: 1, reductionSize: product(this.kernelSize) * (this.inChannels / this.groups) };
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, spec, (x, w, b) =>
      conv2d(x, w, b, { stride: [this.stride[0] as number, this.stride[1] as number], padding: padding2d(this.padding), dilation: [this.dilation[0] as number, this.dilation[1] as number], groups: this.groups }));
  }
}

export class QuantConv1d extends ConvNd {
  readonly outputChannelDim = 0;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  constructor(options: Conv1dOptions & QuantWBIOLOptions) {
    super('QuantConv1d', 1, false, pick(options, CONV_KEYS));
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, 'QuantConv1d', options, CONV_KEYS);
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const spec = { channelDim: 1, reductionSize: product(this.kernelSize) * (this.inChannels / this.groups) };
    const padding = typeof this.padding === 'string' ? this.padding : (this.padding[0] as number);
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, spec, (x, w, b) =>
      conv1d(x, w, b, { stride: this.stride[0] as number, padding, dilation: this.dilation[0] as number, groups: this.groups }));
  }
}

export class QuantConvTranspose2d extends ConvNd {
  /** Output channels are dimension 1 of a transposed convolution's weight. */
  readonly outputChannelDim = 1;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  constructor(options: ConvTranspose2dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose2d', 2, true, pick(options, CONV_TRANSPOSE_KEYS));
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, 'QuantConvTranspose2d', options, CONV_TRANSPOSE_KEYS);
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const spec = { channelDim: 1, reductionSize: transposedPatchSize(this.kernelSize, this.stride) * (this.outChannels / this.groups) };
    const pair = (v: readonly number[]): [number, number] => [v[0] as number, v[1] as number];
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, spec, (x, w, b) =>
      convTranspose2d(x, w, b, {
        stride: pair(this.stride),
        padding: pair(this.padding as readonly number[]),
        outputPadding: pair(this.outputPadding),
        dilation: pair(this.dilation),
        groups: this.groups,
      }));
  }
}

export class QuantConvTranspose1d extends ConvNd {
  readonly outputChannelDim = 1;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  constructor(options: ConvTranspose1dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose1d', 1, true, pick(options, CONV_TRANSPOSE_KEYS));
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, 'QuantConvTranspose1d', options, CONV_TRANSPOSE_KEYS);
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const spec = { channelDim: 1, reductionSize: transposedPatchSize(this.kernelSize, this.stride) * (this.outChannels / this.groups) };
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, spec, (x, w, b) =>
      convTranspose1d(x, w, b, {
        stride: this.stride[0] as number,
        padding: (this.padding as readonly number[])[0] as number,
        outputPadding: this.outputPadding[0] as number,
        dilation: this.dilation[0] as number,
        groups: this.groups,
      }));
  }
}
