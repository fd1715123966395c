/** Comparisons of backend results with oracle values, with messages that locate the first mismatches. */
import type { DType, TypedArray } from '@parvus/core';
import type { Array64 } from './oracle64/index.js';
import type { Tolerance } from './tolerance.js';

/** A tensor's values read back from the backend. */
export interface Result {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: TypedArray;
}

const MAX_REPORTED = 6;

function indexOf(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] as number;
    index.unshift(flat % d);
    flat = Math.floor(flat / d);
  }
  return `[${index.join(', ')}]`;
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function fail(what: string, lines: string[], count: number, total: number, note: string): never {
  const shown = lines.slice(0, MAX_REPORTED).join('\n  ');
  const more = count > MAX_REPORTED ? `\n  ... and ${count - MAX_REPORTED} more` : '';
  throw new Error(`${what}: ${count} of ${total} elements differ${note}:\n  ${shown}${more}`);
}

export function expectShape(actual: Result, shape: readonly number[], dtype: DType, what: string): void {
  const same = actual.shape.length === shape.length && actual.shape.every((d, i) => d === shape[i]);
  if (!same || actual.dtype !== dtype) {
    throw new Error(`${what}: expected shape [${shape.join(', ')}] ${dtype}, got [${actual.shape.join(', ')}] ${actual.dtype}`);
  }
}

/** The value a float32 output must hold: the oracle's value rounded to float32 (int and bool as is). */
function target(v: number, dtype: DType): number {
  if (dtype === 'float32') return Math.fround(v);
  return v === 0 ? 0 : v; // integers have no -0
}

/**
 * Exact equality of shape, dtype and every value (NaN equals NaN). With `signedZeros` (the default),
 * -0 and +0 differ, for the cases where torch's result has a definite sign.
 */
export function expectExact(actual: Result, expected: Array64, dtype: DType, what: string, options: { signedZeros?: boolean } = {}): void {
  expectShape(actual, expected.shape, dtype, what);
  const signed = options.signedZeros ?? true;
  const lines: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const want = target(expected.data[i] as number, dtype);
    const got = actual.values[i] as number;
    const same = signed ? Object.is(got, want) : got === want || (Number.isNaN(got) && Number.isNaN(want));
    if (!same) {
      count++;
      if (lines.length < MAX_REPORTED) lines.push(`at ${indexOf(i, expected.shape)}: got ${show(got)}, expected ${show(want)}`);
    }
  }
  if (count > 0) fail(what, lines, count, expected.data.length, ' (exact comparison)');
}

/**
 * |actual − expected| ≤ atol + rtol·scale per element, where expected is the oracle value rounded to
 * float32 and scale is |expected| or, when given, the element of `magnitude` (the oracle applied to
 * the absolute values of the inputs, for accumulations). NaN must match NaN and infinities must
 * match exactly.
 */
export function expectClose(actual: Result, expected: Array64, tolerance: Tolerance, what: string, magnitude?: Array64): void {
  expectShape(actual, expected.shape, 'float32', what);
  const lines: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const want = Math.fround(expected.data[i] as number);
    const got = actual.values[i] as number;
    let ok: boolean;
    let allowed = 0;
    if (Number.isNaN(want) || !Number.isFinite(want)) {
      ok = Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
    } else {
      const scale = magnitude ? Math.abs(magnitude.data[i] as number) : Math.abs(want);
      allowed = tolerance.atol + tolerance.rtol * scale;
      ok = Math.abs(got - want) <= allowed;
    }
    if (!ok) {
      count++;
      if (lines.length < MAX_REPORTED) {
        lines.push(`at ${indexOf(i, expected.shape)}: got ${show(got)}, expected ${show(want)} (|diff| ${Math.abs(got - want).toExponential(2)}, allowed ${allowed.toExponential(2)})`);
      }
    }
  }
  if (count > 0) fail(what, lines, count, expected.data.length, ` (rtol ${tolerance.rtol.toExponential(2)}, atol ${tolerance.atol.toExponential(2)})`);
}

/**
 * A gradient against its float64 reference: |g − expected| ≤ rtol·max(|expected|, max |expected|,
 * magnitude) + atol. Scaling by the largest element keeps near-zero entries (cancellations) from
 * demanding more than float32 can give; `magnitude`, where known, is the sum of the magnitudes of the
 * terms accumulated into each element (for sums that cancel). All-zero references (piecewise
 * constant functions) must be matched exactly.
 */
export function expectGradient(actual: Result, expected: Array64, tolerance: Tolerance, what: string, magnitude?: Array64): void {
  let largest = 0;
  for (const v of expected.data) largest = Math.max(largest, Math.abs(v));
  const floor: Array64 = {
    shape: expected.shape,
    data: expected.data.map((v, i) => Math.max(Math.abs(v), largest, Math.abs(magnitude?.data[i] ?? 0))),
  };
  expectClose(actual, expected, tolerance, what, floor);
}

/**
 * Two results of the same computation hold the same values: every bit, NaN payloads aside. With
 * `signedZeros: false`, -0 and +0 count as equal (for cases that leave the sign of zero to a
 * separate, narrower test).
 */
export function expectIdentical(actual: Result, expected: Result, what: string, options: { signedZeros?: boolean } = {}): void {
  expectShape(actual, expected.shape, expected.dtype, what);
  const signed = options.signedZeros ?? true;
  const lines: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const got = actual.values[i] as number;
    const want = expected.values[i] as number;
    const same = signed ? Object.is(got, want) : got === want || (Number.isNaN(got) && Number.isNaN(want));
    if (!same) {
      count++;
      if (lines.length < MAX_REPORTED) lines.push(`at ${indexOf(i, expected.shape)}: got ${show(got)}, expected ${show(want)}`);
    }
  }
  if (count > 0) fail(what, lines, count, expected.values.length, signed ? ' (bit-identical comparison)' : ' (identical values)');
}

/** An Array64 view of a result (for feeding it back into the oracle). */
export function toArray64(result: Result): Array64 {
  return { shape: [...result.shape], data: Float64Array.from(result.values) };
}
