/**
 * Brevitas's weight and bias quant proxies (brevitas.proxy.parameter_quant). The proxy's
 * quantizer is given the layer (`module`) and its tracked parameter, which the solvers read.
 */
import type { Tensor } from '../engine/tensor.js';
import type { Injector } from '../inject/injector.js';
import { ConfigurationError } from '../errors/errors.js';
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
   * The quantized bias. `accumulatorScale`: input scale × weight scale along the output channels
   * (null unless input and weight are both quantized), the scale of Int8Bias…Int32Bias;
   * `inputBitWidth`: the quantized input's, for bias bit widths derived from it.
   */
  forward(bias: Tensor, accumulatorScale: Tensor | null, inputBitWidth?: Tensor): IntQuantTensor | Tensor {
    if (!this.isQuantEnabled || !this.tensorQuant) return bias;
    if (this.requiresInputScale) {
      if (!accumulatorScale) throw new ConfigurationError('Input scale required', { brevitasType: 'RuntimeError' });
      const flat = reshape(accumulatorScale, [-1]);
      const out = this.tensorQuant.forward(bias, flat, inputBitWidth) as QuantOutput;
      return new IntQuantTensor(out[0], out[1], out[2], out[3], this.isSigned ?? true, this.training);
    }
    const [value, scale, zeroPoint, bitWidth] = this.tensorQuant.forward(bias) as QuantOutput;
    return new IntQuantTensor(value, scale, zeroPoint, bitWidth, this.isSigned ?? true, this.training);
  }
}
