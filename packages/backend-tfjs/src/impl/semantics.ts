/**
 * What a tfjs backend's own ops do at the edges the Parvus contract pins down (torch semantics),
 * probed once per tfjs backend. Where a native op already matches, kernels use it (one pass);
 * otherwise they compose it exactly from comparisons and `where`.
 *
 * The probes run on vectors long enough to reach both the SIMD body and the scalar tail of
 * vectorised kernels, with every special value at several positions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { powHost } from '@parvus/core';
import { roundHalfEven } from './tiny.js';

export interface TfjsSemantics {
  /** tf.round is torch.round: ties to even, the sign of zero kept (round(−0.5) = −0). */
  readonly roundIsTorchRound: boolean;
  /** tf.round rounds ties to even (by value; the sign of a zero result may be lost). */
  readonly roundTiesToEven: boolean;
  /** tf.maximum(x, 0) is torch.relu: x < 0 ? +0 : x (so −0 and NaN pass through). */
  readonly maximumZeroIsRelu: boolean;
  /** tf.maximum and tf.minimum return NaN when either operand is NaN (torch.maximum/minimum). */
  readonly extremaPropagateNaN: boolean;
  /** tf.max and tf.min reductions return NaN for a slice holding NaN (torch.amax/amin). */
  readonly reductionsPropagateNaN: boolean;
  /** tf.clipByValue is torch.clamp: `hi < lo' ? hi : lo'` with `lo' = v < lo ? lo : v` (NaN passes, −0 stays). */
  readonly clipIsTorchClamp: boolean;
  /** tf.pow is C's pow where the base is ±1: pow(1, y) = 1 (NaN y too), pow(−1, ±∞) = 1. */
  readonly powIsCPow: boolean;
}

/** Assume nothing: every kernel takes its exact composite. */
export const CONSERVATIVE: TfjsSemantics = {
  roundIsTorchRound: false,
  roundTiesToEven: false,
  maximumZeroIsRelu: false,
  extremaPropagateNaN: false,
  reductionsPropagateNaN: false,
  clipIsTorchClamp: false,
  powIsCPow: false,
};

const SPECIALS = [
  0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -0.25, 0.25, -0, 0, NaN, Infinity, -Infinity, 0.49999997, -0.49999997,
  8388607.5, -8388607.5, 3.5, -3.5, 1e30, -1e-30, 0.75, -0.75, -1, 1, 2, -2,
].map(Math.fround);

/** 71 values: the specials three times at shifting offsets, so each lands in vector bodies and tails. */
function probeValues(): Float32Array {
  const values = new Float32Array(71);
  for (let i = 0; i < values.length; i++) values[i] = SPECIALS[(i * 7) % SPECIALS.length] as number;
  return values;
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) return false;
  }
  return true;
}

interface Probe {
  outputs: tf.Tensor[];
  judge(values: ArrayLike<number>[]): TfjsSemantics;
}

const POW_BASES = Float32Array.from({ length: 40 }, (_, i) => [1, 1, 1, -1, -1][i % 5] as number);
const POW_EXPONENTS = Float32Array.from({ length: 40 }, (_, i) => [NaN, Infinity, -Infinity, Infinity, -Infinity][i % 5] as number);

function buildProbe(): Probe {
  const x = probeValues();
  // A second operand: x rotated, so NaN and ±0 meet every other value on both sides.
  const y = Float32Array.from(x, (_, i) => x[(i + 5) % x.length] as number);
  const outputs = tf.tidy(() => {
    const tx = tf.tensor1d(x);
    const ty = tf.tensor1d(y);
    return [
      tf.round(tx),
      tf.maximum(tx, tf.scalar(0)),
      tf.maximum(tx, ty),
      tf.minimum(tx, ty),
      tf.clipByValue(tx, -1, 1),
      tf.clipByValue(tx, 0, 3),
      // Rows of 71 values rotated so NaN sits at each position of some row, and a row without NaN.
      tf.max(tf.stack([tx, ty, tf.reverse(tx), tf.abs(tf.tensor1d(x.map((v) => (Number.isNaN(v) ? 1 : v))))]), 1),
      tf.min(tf.stack([tx, ty, tf.reverse(tx), tf.abs(tf.tensor1d(x.map((v) => (Number.isNaN(v) ? 1 : v))))]), 1),
      // Bases ±1 against NaN and ±Inf, repeated past a vector width.
      tf.pow(tf.tensor1d(POW_BASES), tf.tensor1d(POW_EXPONENTS)),
    ];
  });
  return {
    outputs,
    judge: ([round, relu, maximum, minimum, clip, clipUnsigned, maxRows, minRows, pow]) => {
      const nanOr = (a: number, b: number, v: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : v);
      const clamp = (v: number, lo: number, hi: number): number => {
        const l = v < lo ? lo : v;
        return hi < l ? hi : l;
      };
      // Zeros compare by value for maximum/minimum (torch leaves their sign unspecified).
      const byValue = (a: ArrayLike<number>, e: ArrayLike<number>): boolean =>
        same(Array.from(a, (v) => (v === 0 ? 0 : v)), Array.from(e, (v) => (v === 0 ? 0 : v)));
      return {
        roundIsTorchRound: same(round!, Array.from(x, roundHalfEven)),
        roundTiesToEven: byValue(round!, Array.from(x, roundHalfEven)),
        maximumZeroIsRelu: same(relu!, Array.from(x, (v) => (v < 0 ? 0 : v))),
        extremaPropagateNaN:
          byValue(maximum!, Array.from(x, (a, i) => nanOr(a, y[i] as number, Math.max(a, y[i] as number)))) &&
          byValue(minimum!, Array.from(x, (a, i) => nanOr(a, y[i] as number, Math.min(a, y[i] as number)))),
        reductionsPropagateNaN:
          same(Array.from(maxRows!).slice(0, 3), [NaN, NaN, NaN]) && same(Array.from(minRows!).slice(0, 3), [NaN, NaN, NaN]) &&
          !Number.isNaN(maxRows![3] as number) && !Number.isNaN(minRows![3] as number),
        clipIsTorchClamp:
          same(clip!, Array.from(x, (v) => clamp(v, -1, 1))) && same(clipUnsigned!, Array.from(x, (v) => clamp(v, 0, 3))),
        powIsCPow: same(pow!, Array.from(POW_BASES, (b, i) => powHost(b, POW_EXPONENTS[i] as number))),
      };
    },
  };
}

/** Probe the active tfjs backend, reading asynchronously (GPU backends). */
export async function probeSemantics(): Promise<TfjsSemantics> {
  const probe = buildProbe();
  try {
    return probe.judge(await Promise.all(probe.outputs.map((t) => t.data())));
  } finally {
    tf.dispose(probe.outputs);
  }
}

/** Probe the active tfjs backend with synchronous reads (cpu, wasm, tfjs-node). */
export function probeSemanticsSync(): TfjsSemantics {
  const probe = buildProbe();
  try {
    return probe.judge(probe.outputs.map((t) => t.dataSync()));
  } finally {
    tf.dispose(probe.outputs);
  }
}
