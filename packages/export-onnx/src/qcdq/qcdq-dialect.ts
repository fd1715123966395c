/**
 * QCDQ, the quantized ONNX that onnxruntime runs (and Brevitas's export_onnx_qcdq writes):
 *
 * - an activation quantizer is QuantizeLinear → Clip → DequantizeLinear; QuantizeLinear rounds half
 *   to even and saturates to int8/uint8, so Clip appears only for ranges narrower than the type
 *   (widths under 8 bits, narrow ranges); a per-channel scale becomes a 1-D scale with its axis;
 *   from opset 21, 9 to 16 bits use int16/uint16;
 * - a quantized weight or bias is an integer initializer (int8, uint8, or int32 for a 32-bit bias)
 *   through DequantizeLinear, which reproduces the float weight bit for bit.
 */
import type { AttributeValue } from '../graph/ir.js';
import type { QuantizedConstant } from '../graph/quantized-constant.js';
import type { Granularity } from '../graph/quantized-constant.js';
import { granularity } from '../graph/quantized-constant.js';
import type { Dialect, GraphValue, LoweringContext } from '../lower/context.js';
import { integralZeroPoints, parameterGranularity } from '../lower/parameters.js';
import type { ConstantData } from '../trace/trace.js';
import { INT32, activationType, constantType } from './integer-types.js';

function axisAttribute(axis: number | null): Record<string, AttributeValue> {
  return axis === null ? {} : { axis };
}

function quantize(ctx: LoweringContext, x: GraphValue, scale: ConstantData, zeroPoint: ConstantData, quantMin: number, quantMax: number): string {
  const g = parameterGranularity(ctx, x.shape.length, scale, zeroPoint);
  const zeroPoints = g.axis === null ? [g.zeroPoint] : g.zeroPoint;
  if (!integralZeroPoints(zeroPoints)) ctx.fail('a quantizer\'s zero point is not an integer; QuantizeLinear needs integer zero points');
  const type = activationType(quantMin, quantMax, zeroPoints, ctx.opset);
  if (!type) {
    ctx.fail(
      `an activation quantizer's integer range [${quantMin}, ${quantMax}] does not fit ${ctx.opset >= 21 ? '16' : '8'}-bit integers, ` +
        `which QuantizeLinear takes in opset ${ctx.opset}${ctx.opset < 21 ? ' (opsetVersion 21 allows up to 16 bits)' : ''}`,
    );
  }
  const dims = g.axis === null ? [] : [g.scale.length];
  const scaleName = ctx.initializer('scale', 'float32', dims, g.axis === null ? [g.scale] : g.scale);
  const zeroPointName = ctx.initializer('zero_point', type.type, dims, zeroPoints);
  const attributes = axisAttribute(g.axis);
  const narrower = quantMin > type.min || quantMax < type.max;
  let q = ctx.node('QuantizeLinear', [x.name, scaleName, zeroPointName], attributes);
  if (narrower && type.max <= 255) {
    q = ctx.node('Clip', [q, ctx.scalar('quant_min', type.type, quantMin), ctx.scalar('quant_max', type.type, quantMax)]);
  }
  const y = ctx.node('DequantizeLinear', [q, scaleName, zeroPointName], attributes);
  if (!narrower || type.max <= 255) return y;
  return clipDequantized(ctx, y, x.shape.length, g, quantMin, quantMax);
}

/**
 * onnxruntime has no Clip for 16-bit integers: clip the dequantized value to the dequantized bounds
 * instead, which is exact because dequantization is monotonic.
 */
function clipDequantized(ctx: LoweringContext, y: string, rank: number, g: Granularity, quantMin: number, quantMax: number): string {
  const fr = Math.fround;
  const bound = (q: number, s: number, z: number): number => fr(fr(q - z) * s);
  if (g.axis === null) {
    return ctx.node('Clip', [y, ctx.scalar('min', 'float32', bound(quantMin, g.scale, g.zeroPoint)), ctx.scalar('max', 'float32', bound(quantMax, g.scale, g.zeroPoint))]);
  }
  const { axis, scale, zeroPoint } = g;
  const dims = Array.from({ length: rank }, (_, i) => (i === axis ? scale.length : 1));
  const lows = Array.from(scale, (s, c) => bound(quantMin, s, zeroPoint[c] as number));
  const highs = Array.from(scale, (s, c) => bound(quantMax, s, zeroPoint[c] as number));
  return ctx.node('Min', [ctx.node('Max', [y, ctx.initializer('min', 'float32', dims, lows)]), ctx.initializer('max', 'float32', dims, highs)]);
}

function quantizedConstant(ctx: LoweringContext, q: QuantizedConstant, hint: string): string {
  const g = granularity(q.shape, q.scale, q.zeroPoint);
  if (!g) {
    ctx.fail(`the quantized constant '${hint}' of shape [${q.shape.join(', ')}] has a scale that varies along more than one axis; DequantizeLinear takes one axis`);
  }
  const zeroPoints = g.axis === null ? [g.zeroPoint] : g.zeroPoint;
  const type = constantType(q.quantMin, q.quantMax, zeroPoints, ctx.opset);
  if (!type) {
    const sixteenBits = ctx.opset < 21 && constantType(q.quantMin, q.quantMax, zeroPoints, 21) !== null;
    ctx.fail(
      `the quantized constant '${hint}' has integer range [${q.quantMin}, ${q.quantMax}] with a non-zero zero point, which no ` +
        `DequantizeLinear integer type of opset ${ctx.opset} holds${sixteenBits ? ' (opsetVersion 21 allows 16-bit integers)' : ''}`,
    );
  }
  const dims = g.axis === null ? [] : [g.scale.length];
  const integers = ctx.initializer(`${hint}.${type.type}`, type.type, q.shape, q.integers);
  const scaleName = ctx.initializer(`${hint}.scale`, 'float32', dims, g.axis === null ? [g.scale] : g.scale);
  const inputs = [integers, scaleName];
  // DequantizeLinear takes no zero point for int32 (it must be 0).
  if (type !== INT32) inputs.push(ctx.initializer(`${hint}.zero_point`, type.type, dims, zeroPoints));
  return ctx.node('DequantizeLinear', inputs, axisAttribute(g.axis));
}

export const qcdqDialect: Dialect = {
  quantize,
  quantizedConstant,
};
