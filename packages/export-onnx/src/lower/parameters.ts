/** Quantizer parameters (scale, zero point) of a data-path quantizer, laid out against its input. */
import type { Granularity } from '../graph/quantized-constant.js';
import { broadcastValues, granularity } from '../graph/quantized-constant.js';
import type { ConstantData } from '../trace/trace.js';
import type { LoweringContext } from './context.js';

/** A parameter shape right-aligned to `rank` (leading ones added). */
export function alignedShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(rank - shape.length, 0)).fill(1), ...shape];
}

/** Scale and zero point broadcast together against an input of `rank` dimensions. */
export function quantizerParameters(ctx: LoweringContext, rank: number, scale: ConstantData, zeroPoint: ConstantData): { shape: number[]; scale: Float32Array; zeroPoint: Float32Array } {
  if (scale.shape.length > rank || zeroPoint.shape.length > rank) ctx.fail('a quantizer\'s scale or zero point has more dimensions than its input');
  const s = alignedShape(scale.shape, rank);
  const z = alignedShape(zeroPoint.shape, rank);
  const shape = s.map((d, i) => Math.max(d, z[i] as number));
  return { shape, scale: broadcastValues(scale.values, s, shape), zeroPoint: broadcastValues(zeroPoint.values, z, shape) };
}

/** Per tensor or along one axis of the input; fails for parameters that vary along several axes. */
export function parameterGranularity(ctx: LoweringContext, rank: number, scale: ConstantData, zeroPoint: ConstantData): Granularity {
  const p = quantizerParameters(ctx, rank, scale, zeroPoint);
  const g = granularity(p.shape, p.scale, p.zeroPoint);
  if (!g) ctx.fail(`a quantizer's scale varies along more than one axis (shape [${p.shape.join(', ')}]); QuantizeLinear takes a scale per tensor or along one axis`);
  return g;
}

/** Whether every zero point is an integer (QuantizeLinear's are). */
export function integralZeroPoints(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}
