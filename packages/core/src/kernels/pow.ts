/**
 * The Pow contract on one pair of values, executable: C's pow, which torch's CPU kernels call.
 * JavaScript's Math.pow differs where the base is ±1: pow(1, y) is 1 for every y, NaN included,
 * and pow(−1, ±∞) is 1; Math.pow gives NaN for both. Backends with host data call it.
 */
export function powHost(base: number, exponent: number): number {
  if (base === 1 || (base === -1 && (exponent === Infinity || exponent === -Infinity))) return 1;
  return Math.pow(base, exponent);
}
