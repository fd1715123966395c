/**
 * QONNX, the format FINN and hls4ml read (and Brevitas's export_qonnx writes): quantizers are nodes
 * of the `qonnx.custom_op.general` domain on float tensors.
 *
 * - Quant(x, scale, zeropt, bitwidth) with signed / narrow / rounding_mode, for integer quantizers
 *   on activations and on weights and biases (whose initializers hold the values on the quantizer's
 *   grid, so the node reproduces them exactly);
 * - BipolarQuant(x, scale) for binary quantizers (±scale);
 * - Trunc(x, scale, zeropt, in_bitwidth, out_scale, out_bitwidth) for the accumulator truncation
 *   of TruncAvgPool2d (Trunc version 2, with signed / narrow: Brevitas 0.12's numerics).
 *
 * Scales and zero points are scalars when they are per tensor, else tensors of the input's rank.
 */
import { quantCore } from '@parvus/core';
import type { QuantizedConstant } from '../graph/quantized-constant.js';
import { granularity, rangeBits } from '../graph/quantized-constant.js';
import type { CallLowering, Dialect, GraphValue, LoweringContext } from '../lower/context.js';
import { alignedShape, quantizerParameters } from '../lower/parameters.js';
import type { ConstantData, ModuleCall, TracedValue } from '../trace/trace.js';

export const QONNX_DOMAIN = 'qonnx.custom_op.general';

function useDomain(ctx: LoweringContext, version: number): void {
  ctx.graph.opsets.set(QONNX_DOMAIN, Math.max(ctx.graph.opsets.get(QONNX_DOMAIN) ?? 1, version));
}

/** A parameter initializer: a scalar when all values agree, else the given shape. */
function parameter(ctx: LoweringContext, hint: string, shape: readonly number[], values: ArrayLike<number>): string {
  const first = values[0] as number;
  if (Array.prototype.every.call(values, (v: number) => v === first)) return ctx.scalar(hint, 'float32', first);
  return ctx.initializer(hint, 'float32', shape, values);
}

function bitsOf(ctx: LoweringContext, quantMin: number, quantMax: number): { bitWidth: number; signed: boolean; narrowRange: boolean } {
  const bits = rangeBits(quantMin, quantMax);
  if (!bits) ctx.fail(`a quantizer's integer range [${quantMin}, ${quantMax}] is not the range of any bit width, sign and narrow range`);
  return bits;
}

function quantNode(ctx: LoweringContext, x: string, scale: string, zeroPoint: string, quantMin: number, quantMax: number, bitWidthName: string): string {
  const { bitWidth, signed, narrowRange } = bitsOf(ctx, quantMin, quantMax);
  useDomain(ctx, 1);
  return ctx.node('Quant', [x, scale, zeroPoint, ctx.scalar(bitWidthName, 'float32', bitWidth)], {
    signed: signed ? 1 : 0,
    narrow: narrowRange ? 1 : 0,
    rounding_mode: 'ROUND',
  }, { domain: QONNX_DOMAIN });
}

function quantize(ctx: LoweringContext, x: GraphValue, scale: ConstantData, zeroPoint: ConstantData, quantMin: number, quantMax: number): string {
  const p = quantizerParameters(ctx, x.shape.length, scale, zeroPoint);
  const s = parameter(ctx, 'scale', p.shape, p.scale);
  const z = parameter(ctx, 'zero_point', p.shape, p.zeroPoint);
  return quantNode(ctx, x.name, s, z, quantMin, quantMax, 'bit_width');
}

function quantizedConstant(ctx: LoweringContext, q: QuantizedConstant, hint: string): string {
  const g = granularity(q.shape, q.scale, q.zeroPoint);
  let parameterShape: number[] = [...q.shape];
  let scales: ArrayLike<number> = q.scale;
  let zeroPoints: ArrayLike<number> = q.zeroPoint;
  if (g && g.axis === null) {
    parameterShape = [];
    scales = [g.scale];
    zeroPoints = [g.zeroPoint];
  } else if (g && g.axis !== null) {
    parameterShape = q.shape.map((d, i) => (i === g.axis ? d : 1));
    scales = g.scale;
    zeroPoints = g.zeroPoint;
  }
  const values = ctx.initializer(`${hint}.value`, 'float32', q.shape, q.values);
  const scale = parameter(ctx, `${hint}.scale`, parameterShape, scales);
  if (q.kind === 'bipolar') {
    useDomain(ctx, 1);
    return ctx.node('BipolarQuant', [values, scale], {}, { domain: QONNX_DOMAIN });
  }
  const zeroPoint = parameter(ctx, `${hint}.zero_point`, parameterShape, zeroPoints);
  return quantNode(ctx, values, scale, zeroPoint, q.quantMin, q.quantMax, `${hint}.bit_width`);
}

function isTraced(value: unknown): value is TracedValue {
  return typeof value === 'object' && value !== null && 'dataId' in value && 'shape' in value;
}

/** A constant tensor argument as a parameter of an input of `rank` dimensions. */
function constantParameter(ctx: LoweringContext, value: TracedValue, rank: number, hint: string): string {
  const data = ctx.constantData(value);
  return parameter(ctx, hint, alignedShape(value.shape, rank), data.values);
}

const ROUNDING_MODES: Array<[new (...args: never[]) => unknown, string]> = [
  [quantCore.RoundSte, 'ROUND'],
  [quantCore.FloorSte, 'FLOOR'],
  [quantCore.CeilSte, 'CEIL'],
];

/** TruncIntQuant.forward(x, scale, zeroPoint, inputBitWidth, signed) → [y, outputScale, outputZeroPoint, outputBitWidth]. */
function truncCall(ctx: LoweringContext, call: ModuleCall, module: InstanceType<typeof quantCore.TruncIntQuant>): CallLowering | null {
  const [x, scale, zeroPoint, inputBitWidth, signed] = call.args;
  const result = call.result;
  if (!Array.isArray(result) || !isTraced(x) || !isTraced(scale) || !isTraced(zeroPoint) || !isTraced(inputBitWidth) || typeof signed !== 'boolean') return null;
  const [y, outputScale, , outputBitWidth] = result as unknown[];
  if (!isTraced(y) || !isTraced(outputScale) || !isTraced(outputBitWidth)) return null;
  if ([scale, zeroPoint, inputBitWidth, outputScale, outputBitWidth].some((v) => ctx.isDynamic(v))) return null;
  const roundingMode = ROUNDING_MODES.find(([type]) => module.floatToIntImpl instanceof type)?.[1];
  if (!roundingMode || module.delayWrapper.isDelayed) return null;
  return {
    input: x,
    output: y,
    emit: (c) => {
      const input = c.use(x);
      const rank = x.shape.length;
      useDomain(c, 2);
      const name = c.node('Trunc', [
        input.name,
        constantParameter(c, scale, rank, 'scale'),
        constantParameter(c, zeroPoint, rank, 'zero_point'),
        constantParameter(c, inputBitWidth, 0, 'input_bit_width'),
        constantParameter(c, outputScale, rank, 'output_scale'),
        constantParameter(c, outputBitWidth, 0, 'output_bit_width'),
      ], { rounding_mode: roundingMode, signed: signed ? 1 : 0, narrow: module.narrowRange ? 1 : 0 }, { domain: QONNX_DOMAIN });
      c.define(y, name, { batched: input.batched });
    },
  };
}

/** BinaryQuant / ClampedBinaryQuant.forward(x) → [±scale, scale, zeroPoint, bitWidth]: BipolarQuant(x, scale). */
function bipolarCall(ctx: LoweringContext, call: ModuleCall): CallLowering | null {
  const [x] = call.args;
  const result = call.result;
  if (!isTraced(x) || !Array.isArray(result)) return null;
  const [y, scale] = result as unknown[];
  if (!isTraced(y) || !isTraced(scale) || ctx.isDynamic(scale)) return null;
  return {
    input: x,
    output: y,
    emit: (c) => {
      const input = c.use(x);
      useDomain(c, 1);
      const name = c.node('BipolarQuant', [input.name, constantParameter(c, scale, x.shape.length, 'scale')], {}, { domain: QONNX_DOMAIN });
      c.define(y, name, { batched: input.batched });
    },
  };
}

function lowerCall(ctx: LoweringContext, call: ModuleCall): CallLowering | null {
  const module = call.module;
  if (module instanceof quantCore.TruncIntQuant) return truncCall(ctx, call, module);
  if (module instanceof quantCore.BinaryQuant || module instanceof quantCore.ClampedBinaryQuant) return bipolarCall(ctx, call);
  return null;
}

export const qonnxDialect: Dialect = {
  quantize,
  quantizedConstant,
  lowerCall,
};
