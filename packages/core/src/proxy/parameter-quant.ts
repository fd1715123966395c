/**
 * Brevitas's weight and bias quant proxies (brevitas.proxy.parameter_quant). The proxy's
 * quantizer is given the layer (`module`) and its tracked parameter, which the solvers read.
 */
import type { Tensor } from '../engine/tensor.js';
import type { Injector } from '../inject/injector.js';
import { ConfigurationError } from '../errors/errors.js';
import { mul } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { IntQuantTensor } from '../quant-tensor/int-quant-tensor.js';
import type { QuantOutput } from '../quant-core/quant.js';
import type { QuantizedWeightLayer } from '../quant/solver/weight.js';
import { QuantProxyFromInjector, optionalAttribute } from './quant-proxy.js';
import type { Module } from '../nn/module.js';

function withParameter(injector: Injector | null, layer: QuantizedWeightLayer, parameter: Tensor | null): Injector | null {
  if (!injector) return null;
  return injector.let({ module: layer, trackedParameterList: parameter ? [parameter] : [] });
}

export class WeightQuantProxyFromInjector extends QuantProxyFromInjector {
  readonly tensorQuant: Module | null;

  constructor(injector: Injector | null, layer: QuantizedWeightLayer & { weight: Tensor }) {
    super(withParameter(injector, layer, layer.weight));
    this.tensorQuant = optionalAttribute<Module>(this.build, 'tensorQuant');
    if (this.tensorQuant) this.registerModule('tensorQuant', this.tensorQuant);
    this.isQuantEnabledFlag = this.tensorQuant !== null;
  }

  /** The quantized weight (a QuantTensor), or the weight itself when quantization is off. */
  forward(weight: Tensor): IntQuantTensor | Tensor {
    if (!this.isQuantEnabled || !this.tensorQuant) return weight;
    const [value, scale, zeroPoint, bitWidth] = this.tensorQuant.forward(weight) as QuantOutput;
    return new IntQuantTensor(value, scale, zeroPoint, bitWidth, this.isSigned ?? true, this.training);
  }
}

export class BiasQuantProxyFromInjector extends QuantProxyFromInjector {
  readonly tensorQuant: Module | null;
  /** Scaled by input scale × weight scale (Int8Bias...) rather than by its own statistics. */
  readonly requiresInputScale: boolean;

  constructor(injector: Injector | null, layer: QuantizedWeightLayer & { bias: Tensor | null }) {
    super(withParameter(injector, layer, layer.bias));
    this.tensorQuant = layer.bias ? optionalAttribute<Module>(this.build, 'tensorQuant') : null;
    if (this.tensorQuant) this.registerModule('tensorQuant', this.tensorQuant);
    this.isQuantEnabledFlag = this.tensorQuant !== null;
    this.requiresInputScale = optionalAttribute<boolean>(this.build, 'requiresInputScale') ?? false;
  }

  /**
   * The accumulator's scale, input scale × weight scale viewed along the output channels, or
   * null when either operand is not quantized. `channelDim` is −1 for linear layers, 1 for convs.
   */
  static accumulatorScale(input: Tensor | IntQuantTensor, weight: Tensor | IntQuantTensor, channelDim: number): Tensor | null {
    if (!(input instanceof IntQuantTensor) || !(weight instanceof IntQuantTensor)) return null;
    const shape = input.value.shape.map(() => 1);
    shape[channelDim < 0 ? shape.length + channelDim : channelDim] = -1;
    return mul(reshape(weight.scale, shape), reshape(input.scale, shape));
  }

  forward(bias: Tensor, input: Tensor | IntQuantTensor, weight: Tensor | IntQuantTensor, channelDim: number): IntQuantTensor | Tensor {
    if (!this.isQuantEnabled || !this.tensorQuant) return bias;
    if (this.requiresInputScale) {
      const scale = BiasQuantProxyFromInjector.accumulatorScale(input, weight, channelDim);
      if (!scale) throw new ConfigurationError('Input scale required', { brevitasType: 'RuntimeError' });
      const flat = reshape(scale, [-1]);
      const out = this.tensorQuant.forward(bias, flat, input instanceof IntQuantTensor ? input.bitWidth : undefined) as QuantOutput;
      return new IntQuantTensor(out[0], out[1], out[2], out[3], this.isSigned ?? true, this.training);
    }
    const [value, scale, zeroPoint, bitWidth] = this.tensorQuant.forward(bias) as QuantOutput;
    return new IntQuantTensor(value, scale, zeroPoint, bitWidth, this.isSigned ?? true, this.training);
  }
}
