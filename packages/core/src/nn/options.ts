/**
 * Option validation for layer constructors (one options object each, unknown keys are errors)
 * and the Python formatting that PyTorch's module reprs use.
 */
import { ValueError } from '../errors/errors.js';
import { describeValue as describe } from '../util/options.js';

/** A number or a pair of numbers, as PyTorch's `_pair` accepts. */
export type IntOrPair = number | readonly [number, number];

// Moved to util/ (optimizers and the DataLoader check their options too); re-exported here.
export { checkOptionKeys } from '../util/options.js';

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** An integer ≥ `min` (1 by default). */
export function intOption(what: string, name: string, value: unknown, min = 1): number {
  if (!isInt(value) || value < min) {
    const bound = min === -Infinity ? '' : ` ≥ ${min}`;
    throw new ValueError(`${what}: option '${name}' must be an integer${bound}, got ${describe(value)}.`);
  }
  return value;
}

/** An integer or a pair of integers, each ≥ `min`; returned as a pair. */
export function pairOption(what: string, name: string, value: unknown, min: number): [number, number] {
  if (isInt(value) && value >= min) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => isInt(v) && v >= min)) {
    return [value[0] as number, value[1] as number];
  }
  throw new ValueError(
    `${what}: option '${name}' must be an integer ≥ ${min} or a pair of them, got ${describe(value)}.`,
  );
}

/** A finite number (in [min, max] when given). */
export function numberOption(what: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity ? 'a finite number' : `a number in [${min}, ${max}]`;
    throw new ValueError(`${what}: option '${name}' must be ${range}, got ${describe(value)}.`);
  }
  return value;
}

export function booleanOption(what: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${what}: option '${name}' must be true or false, got ${describe(value)}.`);
  return value;
}

/** Python's repr of a float: `1.0`, `0.1`, `1e-05`, `inf`, `nan`. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // Shortest round-trip digits and the decimal exponent, as repr uses (float_repr_style 'short').
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  const decimalPoint = exponent + 1;
  if (decimalPoint <= -4 || decimalPoint > 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${sign}${fraction}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
  if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

/** Python's repr of a tuple of ints: `(5, 5)`, `(3,)`. */
export function pythonTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/** An int as Python prints it, or a pair as a tuple (the value the user gave, as PyTorch keeps it). */
export function pythonIntOrTuple(value: IntOrPair): string {
  return typeof value === 'number' ? String(value) : pythonTuple(value);
}

export function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}
