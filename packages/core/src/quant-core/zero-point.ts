/** Brevitas's brevitas.core.zero_point: where a zero point comes from. */
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../engine/op.js';
import { Module } from '../nn/module.js';
import type { LoadStateDictContext, StateDict } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { ConfigurationError } from '../errors/errors.js';
import { full, scalar } from '../ops/creation.js';
import { add, div, mul } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { detach } from '../ops/selection.js';
import { reshape } from '../ops/shape.js';
import { absBinarySignGrad } from '../function/ops-ste.js';
import { Identity, StatelessBuffer } from './function-wrapper.js';
import { ParameterListStats } from './stats.js';
import { DEFAULT_MOMENTUM } from './scaling.js';
import type { IntQuant } from './int-quant.js';

/** A zero point given the input, its scale and the bit width. */
export interface ZeroPointImpl extends Module {
  forward(x: Tensor, scale: Tensor, bitWidth: Tensor): Tensor;
}

/** Always 0 (symmetric quantizers). */
export class ZeroZeroPoint extends Module implements ZeroPointImpl {
  static readonly dependencies = {};
  readonly zeroPoint = this.registerModule('zeroPoint', new StatelessBuffer(scalar(0)));

  forward(): Tensor {
    return this.zeroPoint.forward();
  }
}

/**
 * A float zero-point statistic (≥ 0) turned into an integer zero point: quantized with the
 * layer's IntQuant (round, clamp to the range) when `quantizeZeroPoint`, else zp / scale + minInt.
 */
export class ScaleShiftZeroPoint extends Module {
  readonly intQuant: IntQuant;

  constructor(
    intQuant: IntQuant,
    readonly quantizeZeroPoint: boolean,
  ) {
    super();
    this.intQuant = this.registerModule('intQuant', intQuant);
  }

  protected override getName(): string {
    return '_ScaleShiftZeroPoint';
  }

  forward(zeroPoint: Tensor, scale: Tensor, bitWidth: Tensor): Tensor {
    const minInt = this.intQuant.minInt(bitWidth);
    if (this.quantizeZeroPoint) return this.intQuant.toInt(scale, minInt, bitWidth, zeroPoint);
    return add(div(zeroPoint, scale), minInt);
  }
}

/** Zero point from statistics of a parameter on every call (shifted weight quantizers). */
export class StatsFromParameterZeroPoint extends Module implements ZeroPointImpl {
  static readonly dependencies = {
    intQuant: REQUIRED,
    quantizeZeroPoint: REQUIRED,
    zeroPointStatsInputViewShapeImpl: REQUIRED,
    zeroPointStatsInputConcatDim: REQUIRED,
    zeroPointStatsImpl: REQUIRED,
    zeroPointShape: REQUIRED,
    trackedParameterList: REQUIRED,
  };
  readonly parameterListStats: ParameterListStats;
  readonly affineRescaling: Module;
  readonly scaleShiftZeroPoint: ScaleShiftZeroPoint;

  constructor(deps: {
    intQuant: IntQuant;
    quantizeZeroPoint: boolean;
    zeroPointStatsInputViewShapeImpl: Module;
    zeroPointStatsImpl: Module;
    zeroPointShape: readonly number[];
    trackedParameterList: readonly Tensor[];
  }) {
    super();
    this.parameterListStats = this.registerModule('parameterListStats', new ParameterListStats(deps.zeroPointStatsImpl, deps.zeroPointShape, deps.zeroPointStatsInputViewShapeImpl, deps.trackedParameterList));
    this.affineRescaling = this.registerModule('affineRescaling', new Identity());
    this.scaleShiftZeroPoint = this.registerModule('scaleShiftZeroPoint', new ScaleShiftZeroPoint(deps.intQuant, deps.quantizeZeroPoint));
  }

  forward(x: Tensor, scale: Tensor, bitWidth: Tensor): Tensor {
    const stats = this.affineRescaling.forward(this.parameterListStats.forward(x)) as Tensor;
    return this.scaleShiftZeroPoint.forward(neg(stats), scale, bitWidth);
  }
}

/**
 * A learned zero point initialised from runtime statistics (Brevitas's
 * ParameterFromRuntimeZeroPoint): the same collect-then-learn lifecycle as
 * ParameterFromRuntimeStatsScaling, with the buffer starting at 0.
 */
export class ParameterFromRuntimeZeroPoint extends Module implements ZeroPointImpl {
  static readonly dependencies = {
    collectStatsSteps: REQUIRED,
    intQuant: REQUIRED,
    quantizeZeroPoint: REQUIRED,
    zeroPointStatsImpl: REQUIRED,
    zeroPointShape: REQUIRED,
    zeroPointStatsInputViewShapeImpl: REQUIRED,
    zeroPointStatsMomentum: DEFAULT_MOMENTUM,
  };
  readonly collectStatsSteps: number;
  counter = 0;
  readonly zeroPointShape: readonly number[];
  readonly momentum: number | null;
  readonly statsInputViewShapeImpl: Module;
  readonly value: Tensor;
  readonly buffer: Tensor;
  readonly zeroPointStatsImpl: Module;
  readonly scaleShiftZeroPoint: ScaleShiftZeroPoint;

  constructor(deps: {
    collectStatsSteps: number;
    intQuant: IntQuant;
    quantizeZeroPoint: boolean;
    zeroPointStatsImpl: Module;
    zeroPointShape: readonly number[];
    zeroPointStatsInputViewShapeImpl: Module;
    zeroPointStatsMomentum: number | null;
  }) {
    super();
    if (!(deps.collectStatsSteps > 0)) throw new ConfigurationError('Steps should be more than 0', { brevitasType: 'AssertionError' });
    this.collectStatsSteps = deps.collectStatsSteps;
    this.zeroPointShape = deps.zeroPointShape;
    this.momentum = deps.zeroPointStatsMomentum;
    this.statsInputViewShapeImpl = this.registerModule('statsInputViewShapeImpl', deps.zeroPointStatsInputViewShapeImpl);
    this.value = this.registerParameter('value', full(deps.zeroPointShape, 0)) as Tensor;
    this.buffer = this.registerBuffer('buffer', full(deps.zeroPointShape, 0)) as Tensor;
    this.zeroPointStatsImpl = this.registerModule('zeroPointStatsImpl', deps.zeroPointStatsImpl);
    this.scaleShiftZeroPoint = this.registerModule('scaleShiftZeroPoint', new ScaleShiftZeroPoint(deps.intQuant, deps.quantizeZeroPoint));
  }

  initZeroPoint(): void {
    if (this.counter > this.collectStatsSteps) return;
    noGrad(() => this.value.assign(add(this.value, this.buffer)));
    this.counter = this.collectStatsSteps + 1;
  }

  forward(x: Tensor, scale: Tensor, bitWidth: Tensor): Tensor {
    let out: Tensor;
    if (this.training) {
      if (this.counter < this.collectStatsSteps) {
        const stats = reshape(this.zeroPointStatsImpl.forward(this.statsInputViewShapeImpl.forward(x)) as Tensor, this.zeroPointShape);
        this.updateBuffer(stats);
        out = add(stats, mul(this.value, 0));
      } else {
        if (this.counter === this.collectStatsSteps) this.initZeroPoint();
        out = this.value;
      }
    } else {
      out = this.counter <= this.collectStatsSteps ? this.buffer : this.value;
    }
    return this.scaleShiftZeroPoint.forward(absBinarySignGrad(out), scale, bitWidth);
  }

  private updateBuffer(stats: Tensor): void {
    const next = this.counter + 1;
    noGrad(() => {
      const s = detach(stats);
      let updated: Tensor;
      if (this.counter === 0) updated = add(this.buffer, s);
      else if (this.momentum === null) updated = add(mul(this.buffer, this.counter / next), div(s, next));
      else updated = add(mul(this.buffer, 1 - this.momentum), mul(s, this.momentum));
      this.buffer.assign(updated);
    });
    this.counter = next;
  }

  protected override saveToStateDict(destination: StateDict, prefix: string): void {
    if (this.counter === 0) return;
    destination.set(`${prefix}value`, this.counter <= this.collectStatsSteps ? this.buffer : this.value);
  }

  protected override loadFromStateDict(prefix: string, context: LoadStateDictContext): void {
    if (context.take(`${prefix}value`) === undefined) {
      context.missing(`${prefix}value`);
      return;
    }
    context.load(`${prefix}value`, this.value);
    context.afterLoad(() => {
      this.counter = this.collectStatsSteps + 1;
    });
  }
}

/** A learned zero point (Brevitas's ParameterZeroPoint). */
export class ParameterZeroPoint extends Module implements ZeroPointImpl {
  static readonly dependencies = { zeroPointInit: REQUIRED, intQuant: REQUIRED, quantizeZeroPoint: REQUIRED, zeroPointShape: null };
  readonly value: Tensor;
  readonly scaleShiftZeroPoint: ScaleShiftZeroPoint;

  constructor(deps: { zeroPointInit: number | Tensor; intQuant: IntQuant; quantizeZeroPoint: boolean; zeroPointShape: readonly number[] | null }) {
    super();
    const init = typeof deps.zeroPointInit === 'number' ? full(deps.zeroPointShape ?? [], deps.zeroPointInit) : noGrad(() => add(deps.zeroPointInit as Tensor, 0));
    this.value = this.registerParameter('value', init) as Tensor;
    this.scaleShiftZeroPoint = this.registerModule('scaleShiftZeroPoint', new ScaleShiftZeroPoint(deps.intQuant, deps.quantizeZeroPoint));
  }

  forward(_x: Tensor, scale: Tensor, bitWidth: Tensor): Tensor {
    return this.scaleShiftZeroPoint.forward(absBinarySignGrad(this.value), scale, bitWidth);
  }
}
