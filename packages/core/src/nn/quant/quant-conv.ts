/** Brevitas's QuantConv1d/2d and QuantConvTranspose1d/2d: the float layers with quantizers. */
import type { Tensor } from '../../engine/tensor.js';
import { squeeze, unsqueeze } from '../../ops/shape.js';
import { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
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

  /**
   * Products summed per output, for the accumulator's bit width: kernel size × input channels per
   * group; for a transposed convolution Σ max(ceil(k / s), 1) over axes × output channels per group.
   */
  private reductionSize(): number {
    return this.transposed
      ? transposedPatchSize(this.kernelSize, this.stride) * (this.outChannels / this.groups)
      : product(this.kernelSize) * (this.inChannels / this.groups);
  }

  /** An unbatched input ([C, …]) runs as a batch of one, as the float layers take it. */
  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const unbatched = input.shape.length === this.kernelSize.length + 1;
    const x = unbatched ? (input instanceof IntQuantTensor ? input.reshape([1, ...input.shape]) : unsqueeze(input, 0)) : input;
    const spec = { channelDim: 1, reductionSize: this.reductionSize() };
    const y = forwardQuantWBIOL(this.parts, this.returnQuantTensor, x, this.weight, this.bias, spec, (v, w, b) => this.convolve(v, w, b));
    if (!unbatched) return y;
    if (!(y instanceof IntQuantTensor)) return squeeze(y, 0);
    // The accumulator's per-channel scale and zero point are [1, C, 1, …]: they lose the batch axis too.
    const drop = (t: Tensor): Tensor => (t.rank === y.value.rank ? squeeze(t, 0) : t);
    return y.with({ value: squeeze(y.value, 0), scale: drop(y.scale), zeroPoint: drop(y.zeroPoint) });
  }
}

export class QuantConv2d extends QuantConvNd {
  constructor(options: Conv2dOptions & QuantWBIOLOptions) {
    super('QuantConv2d', 2, false, options);
  }
}

export class QuantConv1d extends QuantConvNd {
  constructor(options: Conv1dOptions & QuantWBIOLOptions) {
    super('QuantConv1d', 1, false, options);
  }
}

export class QuantConvTranspose2d extends QuantConvNd {
  constructor(options: ConvTranspose2dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose2d', 2, true, options);
  }
}

export class QuantConvTranspose1d extends QuantConvNd {
  constructor(options: ConvTranspose1dOptions & QuantWBIOLOptions) {
    super('QuantConvTranspose1d', 1, true, options);
  }
}
