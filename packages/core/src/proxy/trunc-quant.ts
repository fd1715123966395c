/** Brevitas's TruncQuantProxyFromInjector: requantizes an accumulator QuantTensor to fewer bits. */
import type { Injector } from '../inject/injector.js';
import type { Module } from '../nn/module.js';
import { IntQuantTensor } from '../quant-tensor/int-quant-tensor.js';
import type { QuantOutput } from '../quant-core/quant.js';
import { QuantProxyFromInjector, optionalAttribute } from './quant-proxy.js';

export class TruncQuantProxyFromInjector extends QuantProxyFromInjector {
  readonly tensorQuant: Module | null;

  constructor(injector: Injector | null) {
    super(injector);
    this.tensorQuant = optionalAttribute<Module>(this.build, 'tensorQuant');
    if (this.tensorQuant) this.registerModule('tensorQuant', this.tensorQuant);
    this.isQuantEnabledFlag = this.tensorQuant !== null;
  }

  forward(x: IntQuantTensor): IntQuantTensor {
    if (!this.isQuantEnabled || !this.tensorQuant) return x;
    const [value, scale, zeroPoint, bitWidth] = this.tensorQuant.forward(x.value, x.scale, x.zeroPoint, x.bitWidth, x.signed) as QuantOutput;
    return new IntQuantTensor(value, scale, zeroPoint, bitWidth, x.signed, this.training);
  }
}
