/**
 * Brevitas's brevitas.core.scaling: where a scale comes from. Each returns scale = restricted
 * value / threshold, the threshold being the integer range given by IntScaling.
 */
import type { Tensor } from '../engine/tensor.js';
import { engine } from '../engine/engine.js';
import { noGrad, tidy } from '../engine/op.js';
import { Module } from '../nn/module.js';
import type { LoadStateDictContext, StateDict } from '../nn/module.js';
import { REQUIRED } from '../inject/declarations.js';
import { ConfigurationError } from '../errors/errors.js';
import { full, ones, scalar } from '../ops/creation.js';
import { add, div, mul } from '../ops/binary.js';
import { detach } from '../ops/selection.js';
import { broadcastTo } from '../ops/shape.js';
import { maxInt, minInt } from '../function/ops.js';
import { neg } from '../ops/unary.js';
import { Identity, OverBatchOverTensorView, StatelessBuffer } from './function-wrapper.js';
import type { RestrictValue } from './restrict-value.js';
import { AbsValue, ClampValue, FloatRestrictValue, RestrictClampValue, RestrictValueWrapper } from './restrict-value.js';
import { ParameterListStats, Stats } from './stats.js';

/** Default EMA momentum of runtime statistics (Brevitas's DEFAULT_MOMENTUM). */
export const DEFAULT_MOMENTUM = 0.1;

/** A scale that takes the input (ignored or used for statistics) and the integer threshold. */
export interface ScalingImpl extends Module {
  forward(x: Tensor, threshold?: Tensor): Tensor;
}

function restrictOrFloat(impl: Module | null | undefined): RestrictValue {
  return (impl ?? new FloatRestrictValue()) as RestrictValue;
}

/**
 * A scaling init that Brevitas hands over as a tensor made from a number (MinMaxScalingInit's
 * max(|min|, |max|)): the scaling makes the tensor inside its own tidy, so nothing outlives it,
 * and the number stays readable without a read (SolveScaleSignedness).
 */
export class TensorInit {
  constructor(readonly value: number) {}
}

export type ScalingInit = number | Tensor | TensorInit;

/** The init as a tensor (float32, as Brevitas's torch.tensor), for the tensor paths; call inside a tidy. */
function initTensor(init: Tensor | TensorInit): Tensor {
  return init instanceof TensorInit ? scalar(init.value) : detach(init);
}

function scalarInit(init: ScalingInit): Tensor {
  return typeof init === 'number' ? scalar(init) : initTensor(init);
}

/** A constant scale (Brevitas's ConstScaling). */
export class ConstScaling extends Module implements ScalingImpl {
  static readonly dependencies = {
    scalingInit: REQUIRED,
    isScaleUnsigned: true,
    restrictScalingImpl: null,
    restrictThresholdImpl: null,
    restrictScaleThresholdImpl: null,
    scalingMinVal: null,
  };
  readonly restrictClampScaling: RestrictClampValue;
  readonly restrictClampThreshold: RestrictClampValue;
  readonly restrictClampScaleThreshold: RestrictClampValue;
  readonly value: StatelessBuffer;
  readonly restrictThresholdPre: Module;

  constructor(deps: {
    scalingInit: ScalingInit;
    isScaleUnsigned: boolean;
    restrictScalingImpl: Module | null;
    restrictThresholdImpl: Module | null;
    restrictScaleThresholdImpl: Module | null;
    scalingMinVal: number | null;
  }) {
    super();
    const restrictScaling = restrictOrFloat(deps.restrictScalingImpl);
    const restrictThreshold = deps.restrictThresholdImpl ? restrictOrFloat(deps.restrictThresholdImpl) : restrictScaling;
    this.restrictClampScaling = this.registerModule('restrictClampScaling', new RestrictClampValue({ scalingMinVal: deps.scalingMinVal, restrictValueImpl: restrictScaling, isUnsigned: deps.isScaleUnsigned }));
    this.restrictClampThreshold = this.registerModule('restrictClampThreshold', new RestrictClampValue({ restrictValueImpl: restrictThreshold }));
    this.restrictClampScaleThreshold = this.registerModule('restrictClampScaleThreshold', new RestrictClampValue({ restrictValueImpl: deps.restrictScaleThresholdImpl, isUnsigned: deps.isScaleUnsigned }));
    // In a tidy: the intermediates of a tensor init (its detached view) are freed, only the value is kept.
    const init = typeof deps.scalingInit === 'number'
      ? scalar(restrictScaling.restrictInitFloat(deps.scalingInit))
      : tidy(() => noGrad(() => add(restrictScaling.restrictInitTensor(initTensor(deps.scalingInit as Tensor | TensorInit)), 0)));
    this.value = this.registerModule('value', new StatelessBuffer(init));
    this.restrictThresholdPre = this.registerModule('restrictThresholdPre', restrictThreshold.restrictInitModule());
  }

  forward(_x: Tensor, threshold?: Tensor): Tensor {
    const t = this.restrictClampThreshold.forward(this.restrictThresholdPre.forward(threshold ?? ones([1])) as Tensor);
    const value = this.restrictClampScaling.forward(this.value.forward());
    return this.restrictClampScaleThreshold.forward(div(value, t));
  }
}

/** A learned scale (Brevitas's ParameterScaling), e.g. initialised from min/max values. */
export class ParameterScaling extends Module implements ScalingImpl {
  static readonly dependencies = {
    scalingInit: REQUIRED,
    isScaleUnsigned: true,
    scalingShape: null,
    restrictScalingImpl: null,
    restrictThresholdImpl: null,
    restrictScaleThresholdImpl: null,
    scalingMinVal: null,
  };
  readonly value: Tensor;
  readonly restrictClampScaling: RestrictClampValue;
  readonly restrictClampThreshold: RestrictClampValue;
  readonly restrictThresholdPre: Module;
  readonly restrictClampScaleThreshold: RestrictClampValue;

  constructor(deps: {
    scalingInit: ScalingInit;
    isScaleUnsigned: boolean;
    scalingShape: readonly number[] | null;
    restrictScalingImpl: Module | null;
    restrictThresholdImpl: Module | null;
    restrictScaleThresholdImpl: Module | null;
    scalingMinVal: number | null;
  }) {
    super();
    const restrictScaling = restrictOrFloat(deps.restrictScalingImpl);
    const restrictThreshold = deps.restrictThresholdImpl ? restrictOrFloat(deps.restrictThresholdImpl) : restrictScaling;
    const shape = deps.scalingShape;
    // In a tidy: the init scalar, its restricted and broadcast forms are freed, only the parameter is kept.
    const initial = tidy(() => {
      const init = scalarInit(deps.scalingInit);
      if (shape && init.rank !== 0 && init.shape.join() !== shape.join()) {
        throw new ConfigurationError('scalingInit.shape is non-scalar and != from scalingShape.', { brevitasType: 'RuntimeError' });
      }
      let value = restrictScaling.restrictInitTensor(init);
      if (value.rank === 0 && shape) value = broadcastTo(value, shape);
      return noGrad(() => add(value, 0));
    });
    this.value = this.registerParameter('value', initial) as Tensor;
    this.restrictClampScaling = this.registerModule('restrictClampScaling', new RestrictClampValue({ scalingMinVal: deps.scalingMinVal, restrictValueImpl: restrictScaling, isUnsigned: deps.isScaleUnsigned }));
    this.restrictClampThreshold = this.registerModule('restrictClampThreshold', new RestrictClampValue({ restrictValueImpl: restrictThreshold }));
    this.restrictThresholdPre = this.registerModule('restrictThresholdPre', restrictThreshold.restrictInitModule());
    this.restrictClampScaleThreshold = this.registerModule('restrictClampScaleThreshold', new RestrictClampValue({ restrictValueImpl: deps.restrictScaleThresholdImpl, isUnsigned: deps.isScaleUnsigned }));
  }

  forward(_x: Tensor, threshold?: Tensor): Tensor {
    const t = this.restrictClampThreshold.forward(this.restrictThresholdPre.forward(threshold ?? ones([1])) as Tensor);
    const value = this.restrictClampScaling.forward(this.value);
    return this.restrictClampScaleThreshold.forward(div(value, t));
  }
}

/**
 * A learned scale initialised from runtime statistics (Brevitas's ParameterFromRuntimeStatsScaling).
 * Train steps 0…C−1 return the batch statistic / threshold and update an EMA buffer (the first
 * step overwrites it); step C copies the buffer into the parameter; afterwards the parameter is
 * used. In eval during collection the buffer is used; eval never advances the counter.
 */
export class ParameterFromRuntimeStatsScaling extends Module implements ScalingImpl {
  static readonly dependencies = {
    collectStatsSteps: REQUIRED,
    scalingStatsImpl: REQUIRED,
    isScaleUnsigned: true,
    scalingStatsInputViewShapeImpl: null,
    scalingShape: [],
    restrictScalingImpl: null,
    restrictThresholdImpl: null,
    restrictScaleThresholdImpl: null,
    scalingStatsMomentum: DEFAULT_MOMENTUM,
    scalingMinVal: null,
  };
  readonly collectStatsSteps: number;
  counter = 0;
  readonly momentum: number | null;
  readonly statsInputViewShapeImpl: Module;
  readonly stats: Stats;
  readonly buffer: Tensor;
  readonly value: Tensor;
  readonly absValue: AbsValue;
  readonly restrictScaling: RestrictValueWrapper;
  readonly restrictThreshold: RestrictValueWrapper;
  readonly restrictScaleThreshold: RestrictValueWrapper;
  readonly clampScaling: ClampValue;
  readonly restrictInplacePreprocess: Module;
  readonly restrictScalingPre: Module;
  readonly restrictThresholdPre: Module;

  constructor(deps: {
    collectStatsSteps: number;
    scalingStatsImpl: Module;
    isScaleUnsigned: boolean;
    scalingStatsInputViewShapeImpl: Module | null;
    scalingShape: readonly number[];
    restrictScalingImpl: Module | null;
    restrictThresholdImpl: Module | null;
    restrictScaleThresholdImpl: Module | null;
    scalingStatsMomentum: number | null;
    scalingMinVal: number | null;
  }) {
    super();
    if (!(deps.collectStatsSteps > 0)) throw new ConfigurationError('Steps should be more than 0', { brevitasType: 'AssertionError' });
    const restrictScaling = restrictOrFloat(deps.restrictScalingImpl);
    const restrictThreshold = deps.restrictThresholdImpl ? restrictOrFloat(deps.restrictThresholdImpl) : restrictScaling;
    this.collectStatsSteps = deps.collectStatsSteps;
    this.momentum = deps.scalingStatsMomentum;
    this.statsInputViewShapeImpl = this.registerModule('statsInputViewShapeImpl', deps.scalingStatsInputViewShapeImpl ?? new OverBatchOverTensorView());
    this.stats = this.registerModule('stats', new Stats(deps.scalingStatsImpl, deps.scalingShape));
    this.buffer = this.registerBuffer('buffer', full(deps.scalingShape, 1)) as Tensor;
    this.value = this.registerParameter('value', full(deps.scalingShape, 1)) as Tensor;
    this.absValue = this.registerModule('absValue', new AbsValue(deps.isScaleUnsigned));
    this.restrictScaling = this.registerModule('restrictScaling', new RestrictValueWrapper(restrictScaling));
    this.restrictThreshold = this.registerModule('restrictThreshold', new RestrictValueWrapper(restrictThreshold));
    this.restrictScaleThreshold = this.registerModule('restrictScaleThreshold', new RestrictValueWrapper(deps.restrictScaleThresholdImpl));
    this.clampScaling = this.registerModule('clampScaling', new ClampValue(deps.scalingMinVal));
    this.restrictInplacePreprocess = this.registerModule('restrictInplacePreprocess', restrictScaling.restrictInitModule());
    this.restrictScalingPre = this.registerModule('restrictScalingPre', restrictScaling.restrictInitModule());
    this.restrictThresholdPre = this.registerModule('restrictThresholdPre', restrictThreshold.restrictInitModule());
  }

  /** End statistics collection now: the parameter takes the (restricted) buffer. */
  initScale(): void {
    if (this.counter > this.collectStatsSteps) return;
    noGrad(() => {
      this.buffer.assign(this.restrictInplacePreprocess.forward(this.buffer) as Tensor);
      this.value.assign(mul(this.value, this.buffer));
    });
    this.counter = this.collectStatsSteps + 1;
  }

  private learnedScale(threshold: Tensor): Tensor {
    const value = this.clampScaling.forward(this.restrictScaling.forward(this.value));
    const t = this.restrictThreshold.forward(this.restrictThresholdPre.forward(threshold) as Tensor);
    return this.restrictScaleThreshold.forward(div(value, t));
  }

  forward(x: Tensor, threshold?: Tensor): Tensor {
    const t = threshold ?? ones([1]);
    if (!this.training) {
      const out = this.counter <= this.collectStatsSteps
        ? this.restrictScalingPre.forward(this.buffer) as Tensor
        : this.value;
      const restricted = this.absValue.forward(this.restrictScaling.forward(out));
      const thresholdOut = this.restrictThreshold.forward(this.restrictThresholdPre.forward(t) as Tensor);
      return this.clampScaling.forward(this.restrictScaleThreshold.forward(div(restricted, thresholdOut)));
    }
    if (this.counter < this.collectStatsSteps) {
      let stats = this.stats.forward(this.statsInputViewShapeImpl.forward(x) as Tensor);
      // Brevitas adds 0·value so the parameter always takes part (its gradient is 0, not None).
      stats = add(stats, mul(this.value, 0));
      const clamped = this.clampScaling.forward(stats);
      this.updateBuffer(clamped);
      return div(clamped, t);
    }
    if (this.counter === this.collectStatsSteps) this.initScale();
    return this.learnedScale(t);
  }

  /** The EMA update of the statistics buffer, in float32 as torch's in-place ops do it. */
  private updateBuffer(stats: Tensor): void {
    const next = this.counter + 1;
    noGrad(() => {
      const s = detach(stats);
      let updated: Tensor;
      if (this.counter === 0) {
        updated = mul(this.buffer, s);
      } else if (this.momentum === null) {
        updated = add(mul(this.buffer, this.counter / next), div(s, next));
      } else {
        updated = add(mul(this.buffer, 1 - this.momentum), mul(s, this.momentum));
      }
      this.buffer.assign(updated);
    });
    this.counter = next;
  }

  protected override saveToStateDict(destination: StateDict, prefix: string): void {
    // The buffer is never saved; the value is omitted before any statistics, and is the
    // (restricted) buffer while collecting.
    if (this.counter === 0) return;
    if (this.counter <= this.collectStatsSteps) {
      destination.set(`${prefix}value`, this.collectedValue());
      return;
    }
    destination.set(`${prefix}value`, this.value);
  }

  private collectedValueCache: Tensor | null = null;

  /** The buffer as the state dict shows it during collection (log2 for power-of-two scales). */
  private collectedValue(): Tensor {
    const restricted = noGrad(() => this.restrictScalingPre.forward(this.buffer) as Tensor);
    if (restricted === this.buffer) return restricted;
    // A derived tensor: the module owns the latest one, like its other state-dict entries.
    this.collectedValueCache?.dispose();
    this.collectedValueCache = engine().keep(restricted);
    return restricted;
  }

  override dispose(): void {
    this.collectedValueCache?.dispose();
    super.dispose();
  }

  protected override loadFromStateDict(prefix: string, context: LoadStateDictContext): void {
    // Loading a value ends collection, as in Brevitas; a missing value is reported as missing.
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

/** Scales from statistics of a parameter, recomputed on every call (Brevitas's StatsFromParameterScaling). */
export class StatsFromParameterScaling extends Module implements ScalingImpl {
  static readonly dependencies = {
    scalingStatsImpl: REQUIRED,
    scalingStatsInputViewShapeImpl: REQUIRED,
    scalingStatsInputConcatDim: REQUIRED,
    trackedParameterList: REQUIRED,
    scalingShape: REQUIRED,
    forceParameter: false,
    restrictScalingImpl: null,
    restrictThresholdImpl: null,
    restrictScaleThresholdImpl: null,
    scalingMinVal: null,
  };
  readonly parameterListStats: ParameterListStats;
  readonly statsScalingImpl: StatsScaling;

  constructor(deps: {
    scalingStatsImpl: Module;
    scalingStatsInputViewShapeImpl: Module;
    scalingStatsInputConcatDim: number;
    trackedParameterList: readonly Tensor[];
    scalingShape: readonly number[];
    restrictScalingImpl: Module | null;
    restrictThresholdImpl: Module | null;
    restrictScaleThresholdImpl: Module | null;
    scalingMinVal: number | null;
  }) {
    super();
    const restrictScaling = restrictOrFloat(deps.restrictScalingImpl);
    const restrictThreshold = deps.restrictThresholdImpl ? restrictOrFloat(deps.restrictThresholdImpl) : restrictScaling;
    this.parameterListStats = this.registerModule('parameterListStats', new ParameterListStats(deps.scalingStatsImpl, deps.scalingShape, deps.scalingStatsInputViewShapeImpl, deps.trackedParameterList));
    this.statsScalingImpl = this.registerModule('statsScalingImpl', new StatsScaling(restrictScaling, restrictThreshold, deps.restrictScaleThresholdImpl, deps.scalingMinVal, true));
  }

  forward(x: Tensor, threshold?: Tensor): Tensor {
    return this.statsScalingImpl.forward(this.parameterListStats.forward(x), threshold ?? ones([1]));
  }
}

/** Statistic → clamped, restricted scale / threshold (Brevitas's _StatsScaling, no affine rescaling). */
export class StatsScaling extends Module {
  readonly affineRescaling: Module;
  readonly restrictClampScaling: RestrictClampValue;
  readonly restrictClampThreshold: RestrictClampValue;
  readonly restrictClampScaleThreshold: RestrictClampValue;
  readonly restrictScalingPre: Module;
  readonly restrictThresholdPre: Module;
  readonly clampScaling: ClampValue;

  constructor(restrictScaling: RestrictValue, restrictThreshold: RestrictValue, restrictScaleThreshold: Module | null, scalingMinVal: number | null, isScaleUnsigned: boolean) {
    super();
    this.affineRescaling = this.registerModule('affineRescaling', new Identity());
    this.restrictClampScaling = this.registerModule('restrictClampScaling', new RestrictClampValue({ scalingMinVal, restrictValueImpl: restrictScaling, isUnsigned: isScaleUnsigned }));
    this.restrictClampThreshold = this.registerModule('restrictClampThreshold', new RestrictClampValue({ restrictValueImpl: restrictThreshold }));
    this.restrictClampScaleThreshold = this.registerModule('restrictClampScaleThreshold', new RestrictClampValue({ restrictValueImpl: restrictScaleThreshold, isUnsigned: isScaleUnsigned }));
    this.restrictScalingPre = this.registerModule('restrictScalingPre', restrictScaling.restrictInitModule());
    this.restrictThresholdPre = this.registerModule('restrictThresholdPre', restrictThreshold.restrictInitModule());
    this.clampScaling = this.registerModule('clampScaling', new ClampValue(scalingMinVal));
  }

  protected override getName(): string {
    return '_StatsScaling';
  }

  forward(stats: Tensor, threshold: Tensor): Tensor {
    const t = this.restrictClampThreshold.forward(this.restrictThresholdPre.forward(threshold) as Tensor);
    let s = this.clampScaling.forward(stats);
    s = this.restrictScalingPre.forward(s) as Tensor;
    s = this.affineRescaling.forward(s) as Tensor;
    s = this.restrictClampScaling.forward(s);
    return this.restrictClampScaleThreshold.forward(div(s, t));
  }
}

/** The integer threshold of float scaling: −minInt for signed (128 for Int8), maxInt for unsigned. */
export class IntScaling extends Module {
  static readonly dependencies = { signed: REQUIRED, narrowRange: REQUIRED };
  readonly signed: boolean;
  readonly narrowRange: boolean;

  constructor(deps: { signed: boolean; narrowRange: boolean }) {
    super();
    this.signed = deps.signed;
    this.narrowRange = deps.narrowRange;
  }

  forward(bitWidth: Tensor): Tensor {
    return this.signed ? neg(minInt(this.signed, this.narrowRange, bitWidth)) : maxInt(this.signed, this.narrowRange, bitWidth);
  }
}

/** The integer threshold of power-of-two scaling: maxInt(non-narrow) + 1 (2^(b−1) signed, 2^b unsigned). */
export class PowerOfTwoIntScaling extends Module {
  static readonly dependencies = { signed: REQUIRED };
  readonly signed: boolean;

  constructor(deps: { signed: boolean }) {
    super();
    this.signed = deps.signed;
  }

  forward(bitWidth: Tensor): Tensor {
    return add(maxInt(this.signed, false, bitWidth), 1);
  }
}
