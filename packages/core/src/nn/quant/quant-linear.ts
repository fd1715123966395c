/** Brevitas's QuantLinear. */
import type { Tensor } from '../../engine/tensor.js';
import { linear } from '../../ops/matmul.js';
import type { IntQuantTensor } from '../../quant-tensor/int-quant-tensor.js';
import type { LinearOptions } from '../layers/linear.js';
import { LINEAR_KEYS, LinearBase } from '../layers/linear.js';
import type { QuantWBIOLOptions, QuantWBIOLParts } from './quant-wbiol.js';
import { forwardQuantWBIOL, initQuantWBIOL } from './quant-wbiol.js';

export class QuantLinear extends LinearBase {
  readonly outputChannelDim = 0;
  returnQuantTensor: boolean;
  private readonly parts: QuantWBIOLParts;

  constructor(options: LinearOptions & QuantWBIOLOptions) {
    super('QuantLinear', Object.fromEntries(Object.entries(options).filter(([key]) => LINEAR_KEYS.includes(key))) as unknown as LinearOptions);
    this.returnQuantTensor = options.returnQuantTensor ?? false;
    this.parts = initQuantWBIOL(this, 'QuantLinear', options, LINEAR_KEYS);
  }

  get outChannels(): number {
    return this.outFeatures;
  }

  get inputQuant() { return this.parts.inputQuant; }
  get outputQuant() { return this.parts.outputQuant; }
  get weightQuant() { return this.parts.weightQuant; }
  get biasQuant() { return this.parts.biasQuant; }

  quantWeight(): IntQuantTensor | Tensor {
    return this.parts.weightQuant.forward(this.weight);
  }

  forward(input: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    return forwardQuantWBIOL(this.parts, this.returnQuantTensor, input, this.weight, this.bias, { channelDim: -1, reductionSize: this.inFeatures }, (x, w, b) => linear(x, w, b));
  }
}
