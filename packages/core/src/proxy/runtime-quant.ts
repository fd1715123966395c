/**
 * Brevitas's activation quant proxies (brevitas.proxy.runtime_quant): an optional activation
 * fused with a quantizer, returning an IntQuantTensor when quantization is on.
 */
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/op.js';
import { Module } from '../nn/module.js';
import { Hardtanh } from '../nn/layers/activation.js';
import type { Injector } from '../inject/injector.js';
import { IntQuantTensor } from '../quant-tensor/int-quant-tensor.js';
import { Identity } from '../quant-core/function-wrapper.js';
import type { QuantOutput } from '../quant-core/quant.js';
import { QuantProxyFromInjector, optionalAttribute } from './quant-proxy.js';

/** Stands in for a disabled quantizer: passes the value on with no metadata. */
class TensorQuantDisabledIdentity extends Module {
  protected override getName(): string {
    return '_TensorQuantDisabledIdentity';
  }
  forward(x: Tensor): [Tensor, null, null, null] {
    return [x, null, null, null];
  }
}

/** activation, then quantizer (Brevitas's FusedActivationQuantProxy). */
export class FusedActivationQuantProxy extends Module {
  readonly activationImpl: Module;
  readonly tensorQuant: Module;

  constructor(activationImpl: Module, tensorQuant: Module) {
    super();
    this.activationImpl = this.registerModule('activationImpl', activationImpl);
    this.tensorQuant = this.registerModule('tensorQuant', tensorQuant);
  }

  forward(x: Tensor): QuantOutput {
    return this.tensorQuant.forward(this.activationImpl.forward(x)) as QuantOutput;
  }
}

export class ActQuantProxyFromInjector extends QuantProxyFromInjector {
  readonly fusedActivationQuantProxy: FusedActivationQuantProxy | null;
  /** Whether a QuantTensor input keeps its metadata when quantization is off (ReLU, Identity...). */
  readonly isPassthroughAct: boolean;

  constructor(quantInjector: Injector | null, actImpl: Module | null = null, passthroughAct = true) {
    super(quantInjector);
    this.isPassthroughAct = actImpl === null ? true : passthroughAct;
    const tensorQuant = optionalAttribute<Module>(this.build, 'tensorQuant');
    // A Hardtanh would duplicate the clamp of an enabled quantizer, so Brevitas skips it.
    const isActEnabled = actImpl !== null && !(actImpl instanceof Hardtanh && tensorQuant !== null);
    this.isQuantEnabledFlag = tensorQuant !== null;
    let fused: FusedActivationQuantProxy | null = null;
    if (isActEnabled && tensorQuant) fused = new FusedActivationQuantProxy(actImpl, tensorQuant);
    else if (isActEnabled) fused = new FusedActivationQuantProxy(actImpl, new TensorQuantDisabledIdentity());
    else if (tensorQuant) fused = new FusedActivationQuantProxy(new Identity(), tensorQuant);
    this.fusedActivationQuantProxy = fused ? this.registerModule('fusedActivationQuantProxy', fused) : null;
  }

  forward(x: Tensor | IntQuantTensor): Tensor | IntQuantTensor {
    const fused = this.fusedActivationQuantProxy;
    if (!fused) return x;
    const value = x instanceof IntQuantTensor ? x.value : x;
    if (!this.isQuantEnabled) {
      const y = fused.activationImpl.forward(value) as Tensor;
      // Metadata survives an activation that does not change the quantization grid.
      return this.isPassthroughAct && x instanceof IntQuantTensor ? x.with({ value: y, training: this.training }) : y;
    }
    const [y, scale, zeroPoint, bitWidth] = fused.forward(value);
    return new IntQuantTensor(y, scale, zeroPoint, bitWidth, this.isSigned ?? true, this.training);
  }

  /** The quantizer's output as the zero sentinel gives it, in eval mode by default (Brevitas's internal_forward). */
  private probe(forceEval: boolean): IntQuantTensor | null {
    if (!this.isQuantEnabled) return null;
    const wasTraining = this.training;
    if (forceEval) this.eval();
    try {
      const out = noGrad(() => this.forward(this.zeroHwSentinel.forward()));
      return out instanceof IntQuantTensor ? out : null;
    } finally {
      this.train(wasTraining);
    }
  }

  scale(forceEval = true): Tensor | null {
    return this.probe(forceEval)?.scale ?? null;
  }

  zeroPoint(forceEval = true): Tensor | null {
    return this.probe(forceEval)?.zeroPoint ?? null;
  }

  bitWidth(forceEval = true): Tensor | null {
    return this.probe(forceEval)?.bitWidth ?? null;
  }
}
