/**
 * The configurations a run trains: `float`, and quantized ones named `w<W>a<A>` (W-bit weights,
 * A-bit activations; 1-bit weights are binary). The input quantizer's bit width is shared by all
 * quantized configurations (8 by default).
 */

export interface QuantConfig {
  /** 'float' or 'w<W>a<A>'. */
  readonly name: string;
  /** Bit width of every weight layer's weights (1: binary ±α); null for float. */
  readonly weightBitWidth: number | null;
  /** Bit width of the four ReLU outputs; null for float. */
  readonly actBitWidth: number | null;
  /** Bit width of the input quantizer; null for float. */
  readonly inputBitWidth: number | null;
}

export const FLOAT_CONFIG: QuantConfig = Object.freeze({ name: 'float', weightBitWidth: null, actBitWidth: null, inputBitWidth: null });

/** The default run: float, then 8-, 4- and 2-bit, and binary weights with 4-bit activations. */
export const DEFAULT_CONFIGS: readonly string[] = ['float', 'w8a8', 'w4a4', 'w2a2', 'w1a4'];

export const WEIGHT_BIT_WIDTH_RANGE = [1, 16] as const;
/**
 * Activations are ReLU outputs on an unsigned grid: 1 bit would make each a step function of
 * {0, s}, which is a binarised network's sign activation in disguise, so the smallest is 2.
 */
export const ACT_BIT_WIDTH_RANGE = [2, 16] as const;
export const INPUT_BIT_WIDTH_RANGE = [2, 16] as const;

export class QuantConfigError extends Error {
  override readonly name = 'QuantConfigError';
}

function inRange(value: number, [lo, hi]: readonly [number, number]): boolean {
  return Number.isInteger(value) && value >= lo && value <= hi;
}

/** `float` or `w<W>a<A>`, checked; `inputBitWidth` applies to quantized configurations. */
export function parseQuantConfig(name: string, inputBitWidth = 8): QuantConfig {
  if (name === 'float') return FLOAT_CONFIG;
  const match = /^w(\d+)a(\d+)$/.exec(name);
  if (!match) {
    throw new QuantConfigError(`'${name}' is not a configuration: use 'float' or w<W>a<A> with W-bit weights and A-bit activations (e.g. w4a4; w1a4 has binary weights).`);
  }
  const weightBitWidth = Number(match[1]);
  const actBitWidth = Number(match[2]);
  if (!inRange(weightBitWidth, WEIGHT_BIT_WIDTH_RANGE)) {
    throw new QuantConfigError(`'${name}' has ${weightBitWidth}-bit weights: weight bit widths go from ${WEIGHT_BIT_WIDTH_RANGE[0]} (binary) to ${WEIGHT_BIT_WIDTH_RANGE[1]}.`);
  }
  if (!inRange(actBitWidth, ACT_BIT_WIDTH_RANGE)) {
    throw new QuantConfigError(`'${name}' has ${actBitWidth}-bit activations: activation bit widths go from ${ACT_BIT_WIDTH_RANGE[0]} to ${ACT_BIT_WIDTH_RANGE[1]}.`);
  }
  if (!inRange(inputBitWidth, INPUT_BIT_WIDTH_RANGE)) {
    throw new QuantConfigError(`the input bit width must be an integer from ${INPUT_BIT_WIDTH_RANGE[0]} to ${INPUT_BIT_WIDTH_RANGE[1]}, got ${inputBitWidth}.`);
  }
  return Object.freeze({ name, weightBitWidth, actBitWidth, inputBitWidth });
}

/** A short description of the weights ('binary', '4-bit', 'float'). */
export function describeWeights(config: QuantConfig): string {
  if (config.weightBitWidth === null) return 'float';
  return config.weightBitWidth === 1 ? 'binary' : `${config.weightBitWidth}-bit`;
}

export function describeActivations(config: QuantConfig): string {
  return config.actBitWidth === null ? 'float' : `${config.actBitWidth}-bit`;
}

export function isQuantized(config: QuantConfig): boolean {
  return config.weightBitWidth !== null;
}
