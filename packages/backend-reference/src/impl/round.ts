/**
 * Round half to even (torch.round), keeping the sign of zero: round(-0.3) = -0, round(2.5) = 2.
 * Math.round rounds ties up and is corrected at exact ties.
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Adding and subtracting 1.5·2^52 rounds a double to an integer, ties to even, with no branch.
 * Valid for |v| < 2^51 (larger values are integers already, or get clamped by the caller).
 * Zeros come out as +0.
 */
export const ROUND_MAGIC = 6755399441055744;
