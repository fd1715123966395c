/**
 * Brevitas's enums (brevitas.inject.enum) as string constants. Values are the Python member
 * names; lowercase spellings are accepted too, as Brevitas accepts 'stats' for STATS.
 */
export const QuantType = { INT: 'INT', BINARY: 'BINARY', TERNARY: 'TERNARY', FP: 'FP' } as const;
export const ScalingImplType = {
  STATS: 'STATS',
  AFFINE_STATS: 'AFFINE_STATS',
  PARAMETER: 'PARAMETER',
  PARAMETER_FROM_STATS: 'PARAMETER_FROM_STATS',
  CONST: 'CONST',
  HE: 'HE',
} as const;
export const StatsOp = {
  MAX: 'MAX',
  AVE: 'AVE',
  MAX_AVE: 'MAX_AVE',
  MEAN_SIGMA_STD: 'MEAN_SIGMA_STD',
  MEAN_LEARN_SIGMA_STD: 'MEAN_LEARN_SIGMA_STD',
  PERCENTILE: 'PERCENTILE',
  MIN_MAX: 'MIN_MAX',
  PERCENTILE_INTERVAL: 'PERCENTILE_INTERVAL',
} as const;
export const RestrictValueType = { FP: 'FP', LOG_FP: 'LOG_FP', INT: 'INT', POWER_OF_TWO: 'POWER_OF_TWO' } as const;
export const BitWidthImplType = { CONST: 'CONST', PARAMETER: 'PARAMETER' } as const;
export const FloatToIntImplType = { ROUND: 'ROUND', FLOOR: 'FLOOR', CEIL: 'CEIL', ROUND_TO_ZERO: 'ROUND_TO_ZERO' } as const;
export const ScalingPerOutputType = { TENSOR: 'TENSOR', CHANNEL: 'CHANNEL' } as const;

/** Whether an enum-valued attribute equals a member, accepting any letter case. */
export function isMember(value: unknown, member: string): boolean {
  return typeof value === 'string' && value.toUpperCase() === member;
}
