/**
 * Brevitas's brevitas.core.restrict_val: how a scale is restricted (plain float, log-float, power
 * of two) and clamped from below.
 */
import type { Tensor } from '../engine/tensor.js';
import { Module } from '../nn/module.js';
import { log2 } from '../ops/unary.js';
import { Abs, Identity, LogTwo, PowerOfTwo, RoundSte, ScalarSignedClampMinSte } from './function-wrapper.js';

/** What every restriction offers: the forward map and how to pre-process initial values. */
export interface RestrictValue extends Module {
  forward(x: Tensor): Tensor;
  /** The map applied to an initial value before it is stored (log2 for powers of two). */
  restrictInitFloat(x: number): number;
  restrictInitTensor(x: Tensor): Tensor;
  /** A module applying restrictInitTensor (e.g. to the statistics buffer). */
  restrictInitModule(): Module;
}

/** No restriction: scales are plain floats. */
export class FloatRestrictValue extends Module implements RestrictValue {
  static readonly dependencies = {};
  forward(x: Tensor): Tensor {
    return x;
  }
  restrictInitFloat(x: number): number {
    return x;
  }
  restrictInitTensor(x: Tensor): Tensor {
    return x;
  }
  restrictInitModule(): Module {
    return new Identity();
  }
}

/** Scales stored as log2 and used as 2^x. */
export class LogFloatRestrictValue extends Module implements RestrictValue {
  static readonly dependencies = {};
  readonly powerOfTwo = this.registerModule('powerOfTwo', new PowerOfTwo());
  forward(x: Tensor): Tensor {
    return this.powerOfTwo.forward(x);
  }
  restrictInitFloat(x: number): number {
    return Math.log2(x);
  }
  restrictInitTensor(x: Tensor): Tensor {
    return log2(x);
  }
  restrictInitModule(): Module {
    return new LogTwo();
  }
}

/**
 * Power-of-two scales: stored as log2, rounded to an integer exponent by
 * `restrictValueFloatToIntImpl` (CeilSte in Brevitas's fixed-point quantizers), used as 2^x.
 */
export class PowerOfTwoRestrictValue extends Module implements RestrictValue {
  static readonly dependencies = { restrictValueFloatToIntImpl: null };
  readonly floatToIntImpl: Module;
  readonly powerOfTwo: PowerOfTwo;

  constructor(deps: { restrictValueFloatToIntImpl: Module | null } = { restrictValueFloatToIntImpl: null }) {
    super();
    this.floatToIntImpl = this.registerModule('floatToIntImpl', deps.restrictValueFloatToIntImpl ?? new RoundSte());
    this.powerOfTwo = this.registerModule('powerOfTwo', new PowerOfTwo());
  }

  forward(x: Tensor): Tensor {
    return this.powerOfTwo.forward(this.floatToIntImpl.forward(x) as Tensor);
  }
  restrictInitFloat(x: number): number {
    return Math.log2(x);
  }
  restrictInitTensor(x: Tensor): Tensor {
    return log2(x);
  }
  restrictInitModule(): Module {
    return new LogTwo();
  }
}

/** A restriction, or the identity when there is none. */
export class RestrictValueWrapper extends Module {
  readonly restrictValueImpl: Module;

  constructor(restrictValueImpl: Module | null) {
    super();
    this.restrictValueImpl = this.registerModule('restrictValueImpl', restrictValueImpl ?? new Identity());
  }

  protected override getName(): string {
    return '_RestrictValue';
  }

  forward(x: Tensor): Tensor {
    return this.restrictValueImpl.forward(x) as Tensor;
  }
}

/** Clamp from below by `scalingMinVal` (straight-through), or nothing when it is null or 0. */
export class ClampValue extends Module {
  readonly clampMinSte: Module;

  constructor(scalingMinVal: number | null) {
    super();
    this.clampMinSte = this.registerModule(
      'clampMinSte',
      scalingMinVal !== null && scalingMinVal !== 0 ? new ScalarSignedClampMinSte(scalingMinVal) : new Identity(),
    );
  }

  protected override getName(): string {
    return '_ClampValue';
  }

  forward(x: Tensor): Tensor {
    return this.clampMinSte.forward(x) as Tensor;
  }
}

/** Restrict, clamp from below, then take |x| for unsigned scales. */
export class RestrictClampValue extends Module {
  readonly clampMinSte: Module;
  readonly restrictValueImpl: Module;
  readonly applyAbs: Module;

  constructor(options: { scalingMinVal?: number | null; restrictValueImpl?: Module | null; isUnsigned?: boolean } = {}) {
    super();
    const minVal = options.scalingMinVal ?? null;
    this.clampMinSte = this.registerModule('clampMinSte', minVal !== null ? new ScalarSignedClampMinSte(minVal) : new Identity());
    this.restrictValueImpl = this.registerModule('restrictValueImpl', options.restrictValueImpl ?? new Identity());
    this.applyAbs = this.registerModule('applyAbs', (options.isUnsigned ?? true) ? new Abs() : new Identity());
  }

  protected override getName(): string {
    return '_RestrictClampValue';
  }

  forward(x: Tensor): Tensor {
    const restricted = this.restrictValueImpl.forward(x) as Tensor;
    return this.applyAbs.forward(this.clampMinSte.forward(restricted)) as Tensor;
  }
}

/** |x| for unsigned scales (Brevitas's _AbsValue). */
export class AbsValue extends Module {
  readonly applyAbs: Module;

  constructor(isUnsigned: boolean) {
    super();
    this.applyAbs = this.registerModule('applyAbs', isUnsigned ? new Abs() : new Identity());
  }

  protected override getName(): string {
    return '_AbsValue';
  }

  forward(x: Tensor): Tensor {
    return this.applyAbs.forward(x) as Tensor;
  }
}

export function isRestrictValue(module: unknown): module is RestrictValue {
  return module instanceof Module && typeof (module as unknown as Partial<RestrictValue>).restrictInitTensor === 'function';
}
