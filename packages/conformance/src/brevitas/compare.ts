/**
 * Reading Parvus results back and comparing them with the fixtures. Quantizer outputs, scales,
 * zero points, bit widths and integer values compare bit for bit (float32 values with Object.is,
 * so -0 and +0 differ); gradients compare within a stated tolerance. Mismatches are collected
 * per case and reported together, and a case whose only differences are signs of zero says so
 * separately (`only the sign of zero differs`), since that is a different kind of bug. A
 * `Mismatches` made with a one-step tolerance compares values and statistics within one
 * quantization step instead (one-step.ts), for backends that are not torch-exact.
 */
import type { Module, Tensor } from '@parvus/core';
import type { Tolerance } from '../tolerance.js';
import { IntQuantTensor, brevitasToParvusKey, tidy } from '@parvus/core';
import type { FixtureQuantStates, FixtureTensor, FixtureValue } from './fixtures.js';
import type { HostTensor } from './decode.js';
import { decodeTensor, isQuantTensorValue, toValue } from './decode.js';
import type { OneStepTolerance } from './one-step.js';
import { broadcastsTo, readQuantFields } from './one-step.js';
import { broadcastIndex } from '../oracle64/array64.js';
import { read } from '../harness.js';

export interface TensorSnapshot {
  readonly kind: 'Tensor';
  readonly tensor: HostTensor;
}

export interface QuantTensorSnapshot {
  readonly kind: 'IntQuantTensor';
  readonly value: HostTensor;
  readonly scale: HostTensor;
  readonly zeroPoint: HostTensor;
  readonly bitWidth: HostTensor;
  readonly signed: boolean;
  readonly training: boolean;
  readonly isValid: boolean;
  /** `int()`, or null when it threw (as it must for an invalid tensor). */
  readonly intValue: HostTensor | null;
}

export type ValueSnapshot = TensorSnapshot | QuantTensorSnapshot;

/**
 * How a value that comes out of a float accumulation (conv, linear, average pooling, bilinear
 * upsampling) is compared: PyTorch's summation order is not Parvus's, so its float fields agree
 * within `float` (integers still compare exactly: none of these cases sits at a rounding tie).
 */
export interface ValueTolerance {
  readonly float?: Tolerance;
}

/**
 * Everything the fixtures record about a value, read from a Parvus Tensor or IntQuantTensor.
 * Reads are asynchronous (`read`), so this works on every backend. `integers`: 'core' takes
 * validity and the integers from core (`isValidAsync()`, then `int()` when valid);
 * 'host' computes them from the values read back (see one-step.ts), where a GPU's values may sit
 * one quantization step from the fixture's and core's check would judge its own rounding.
 */
export async function snapshotValue(v: Tensor | IntQuantTensor, integers: 'core' | 'host' = 'core'): Promise<ValueSnapshot> {
  if (!(v instanceof IntQuantTensor)) return { kind: 'Tensor', tensor: await read(v) };
  if (integers === 'host') {
    return { kind: 'IntQuantTensor', ...(await readQuantFields(v)), signed: v.signed, training: v.training };
  }
  const isValid = await v.isValidAsync();
  let intValue: HostTensor | null = null;
  if (isValid) {
    const ints = tidy(() => v.int());
    try {
      intValue = await read(ints);
    } finally {
      ints.dispose();
    }
  }
  return {
    kind: 'IntQuantTensor',
    value: await read(v.value),
    scale: await read(v.scale),
    zeroPoint: await read(v.zeroPoint),
    bitWidth: await read(v.bitWidth),
    signed: v.signed,
    training: v.training,
    isValid,
    intValue,
  };
}

const MAX_REPORTED = 4;

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function indexOf(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] as number;
    index.unshift(flat % d);
    flat = Math.floor(flat / d);
  }
  return `[${index.join(', ')}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The mismatches of one case: collected, then thrown together by `throwIfAny`. */
export class Mismatches {
  private readonly lines: string[] = [];
  private readonly zeroSignLines: string[] = [];

  /**
   * `oneStep`: compare within one quantization step (see one-step.ts) instead of bit for bit:
   * `value` and `quantState` then use it; the other methods are unchanged.
   */
  constructor(
    private readonly caseName: string,
    private readonly oneStep: OneStepTolerance | null = null,
  ) {}

  get count(): number {
    return this.lines.length + this.zeroSignLines.length;
  }

  fail(what: string): void {
    this.lines.push(what);
  }

  /** A boolean or integer property. */
  equal<T>(actual: T, expected: T, what: string): void {
    if (!Object.is(actual, expected)) this.fail(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }

  private shape(actual: HostTensor, expected: HostTensor, what: string): boolean {
    if (!sameShape(actual.shape, expected.shape)) {
      this.fail(`${what}: expected shape [${expected.shape.join(', ')}], got [${actual.shape.join(', ')}]`);
      return false;
    }
    return true;
  }

  /** Bit-exact equality (dtype class, shape, every value; NaN equals NaN; -0 differs from +0). */
  exact(actual: HostTensor, expected: HostTensor, what: string): void {
    if (!this.shape(actual, expected, what)) return;
    const actualIsFloat = actual.dtype === 'float32';
    const expectedIsFloat = expected.dtype === 'float32';
    if (actualIsFloat !== expectedIsFloat) {
      this.fail(`${what}: expected a ${expected.dtype} tensor, got ${actual.dtype}`);
      return;
    }
    const differ: string[] = [];
    let count = 0;
    let onlyZeroSigns = true;
    for (let i = 0; i < expected.values.length; i++) {
      const want = expected.values[i] as number;
      const got = actual.values[i] as number;
      if (Object.is(want, got)) continue;
      count++;
      if (!(want === 0 && got === 0)) onlyZeroSigns = false;
      if (differ.length < MAX_REPORTED) differ.push(`${indexOf(i, expected.shape)}: expected ${show(want)}, got ${show(got)}`);
    }
    if (count === 0) return;
    const line = `${what}: ${count} of ${expected.values.length} differ: ${differ.join('; ')}${count > MAX_REPORTED ? '; …' : ''}`;
    (onlyZeroSigns ? this.zeroSignLines : this.lines).push(line);
  }

  /**
   * |actual − expected| ≤ atol + rtol·scale for every element, `scale` being the largest |expected|
   * (an accumulation's rounding error is relative to the magnitudes summed, not to each result).
   */
  close(actual: HostTensor, expected: HostTensor, tolerance: { rtol: number; atol: number }, what: string): void {
    if (!this.shape(actual, expected, what)) return;
    let scale = 0;
    for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
    const bound = tolerance.atol + tolerance.rtol * scale;
    const differ: string[] = [];
    let count = 0;
    for (let i = 0; i < expected.values.length; i++) {
      const want = expected.values[i] as number;
      const got = actual.values[i] as number;
      const ok = Math.abs(got - want) <= bound || (Number.isNaN(got) && Number.isNaN(want));
      if (ok) continue;
      count++;
      if (differ.length < MAX_REPORTED) differ.push(`${indexOf(i, expected.shape)}: expected ${show(want)}, got ${show(got)}`);
    }
    if (count > 0) this.fail(`${what}: ${count} of ${expected.values.length} outside ±${bound.toExponential(2)}: ${differ.join('; ')}${count > MAX_REPORTED ? '; …' : ''}`);
  }

  /** |actual − expected| ≤ bounds[i] for every element i (NaN equals NaN). */
  closeEach(actual: HostTensor, expected: HostTensor, bounds: readonly number[], what: string): void {
    if (!this.shape(actual, expected, what)) return;
    const differ: string[] = [];
    let count = 0;
    for (let i = 0; i < expected.values.length; i++) {
      const want = expected.values[i] as number;
      const got = actual.values[i] as number;
      const bound = bounds[i] ?? 0;
      if (Math.abs(got - want) <= bound || (Number.isNaN(got) && Number.isNaN(want))) continue;
      count++;
      if (differ.length < MAX_REPORTED) differ.push(`${indexOf(i, expected.shape)}: expected ${show(want)}, got ${show(got)} (±${bound.toExponential(2)})`);
    }
    if (count > 0) this.fail(`${what}: ${count} of ${expected.values.length} outside their bounds: ${differ.join('; ')}${count > MAX_REPORTED ? '; …' : ''}`);
  }

  private floats(actual: HostTensor, expected: HostTensor, tolerance: ValueTolerance, what: string): void {
    if (tolerance.float) this.close(actual, expected, tolerance.float, what);
    else this.exact(actual, expected, what);
  }

  /**
   * A fixture value `Q` against a Parvus result, field by field: bit for bit, or (for outputs of
   * float accumulations, see `ValueTolerance`) the float fields within a tolerance.
   */
  value(actual: ValueSnapshot, expected: FixtureValue, what: string, tolerance: ValueTolerance = {}): void {
    if (this.oneStep) {
      this.valueWithinOneStep(actual, expected, what, tolerance, this.oneStep);
      return;
    }
    const expectedKind = isQuantTensorValue(expected) ? 'IntQuantTensor' : 'Tensor';
    if (actual.kind !== expectedKind) {
      this.fail(`${what}: expected a ${expectedKind}, got a ${actual.kind}`);
      return;
    }
    if (actual.kind === 'Tensor') {
      this.floats(actual.tensor, decodeTensor(expected as FixtureTensor, what), tolerance, what);
      return;
    }
    const q = expected as Extract<FixtureValue, { kind: 'IntQuantTensor' }>;
    this.floats(actual.value, decodeTensor(q.value), tolerance, `${what}.value`);
    this.floats(actual.scale, decodeTensor(q.scale), tolerance, `${what}.scale`);
    this.floats(actual.zeroPoint, decodeTensor(q.zero_point), tolerance, `${what}.zeroPoint`);
    this.exact(actual.bitWidth, decodeTensor(q.bit_width), `${what}.bitWidth`);
    this.equal(actual.signed, q.signed, `${what}.signed`);
    this.equal(actual.training, q.training, `${what}.training`);
    this.equal(actual.isValid, q.is_valid, `${what}.isValid`);
    if (q.int_value !== null) {
      if (actual.intValue === null) this.fail(`${what}.int(): expected integers, got none (isValid ${String(actual.isValid)})`);
      else this.exact(actual.intValue, decodeTensor(q.int_value), `${what}.int()`);
    }
  }

  /** Statistics (buffers, learned values): bit for bit, or within ρ relative in the one-step comparison. */
  private stateFloats(actual: HostTensor, expected: HostTensor, tolerance: ValueTolerance, what: string): void {
    if (this.oneStep) this.relative(actual, expected, this.oneStep.rtol, tolerance, what);
    else this.floats(actual, expected, tolerance, what);
  }

  /**
   * |actual − expected| ≤ rtol·|expected| element by element (scales, zero points and statistics
   * are each their own short computation), plus the accumulation tolerance where one applies.
   */
  private relative(actual: HostTensor, expected: HostTensor, rtol: number, tolerance: ValueTolerance, what: string): void {
    if (!this.shape(actual, expected, what)) return;
    const accumulation = this.accumulationBound(expected, tolerance);
    this.closeEach(actual, expected, Array.from(expected.values, (v) => rtol * Math.abs(v) + accumulation), what);
  }

  /** The absolute bound of `tolerance.float` for a tensor (0 without one). */
  private accumulationBound(expected: HostTensor, tolerance: ValueTolerance): number {
    if (!tolerance.float) return 0;
    let scale = 0;
    for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
    return tolerance.float.atol + tolerance.float.rtol * scale;
  }

  /**
   * A fixture value against a Parvus result within one quantization step (one-step.ts): integer
   * codes within `codes`, dequantized values within one step of the expected scale plus ρ of
   * their magnitude, scales and zero points within ρ relative; bit width, flags and shapes exact.
   * A plain tensor (an accumulation's output) within ρ relative to its largest element plus the
   * accumulation tolerance.
   */
  private valueWithinOneStep(actual: ValueSnapshot, expected: FixtureValue, what: string, tolerance: ValueTolerance, oneStep: OneStepTolerance): void {
    const expectedKind = isQuantTensorValue(expected) ? 'IntQuantTensor' : 'Tensor';
    if (actual.kind !== expectedKind) {
      this.fail(`${what}: expected a ${expectedKind}, got a ${actual.kind}`);
      return;
    }
    if (actual.kind === 'Tensor') {
      const want = decodeTensor(expected as FixtureTensor, what);
      if (actual.tensor.dtype !== 'float32' || want.dtype !== 'float32') {
        this.exact(actual.tensor, want, what);
        return;
      }
      const bound = this.accumulationBound(want, { float: { rtol: (tolerance.float?.rtol ?? 0) + oneStep.rtol, atol: tolerance.float?.atol ?? 0 } });
      this.closeEach(actual.tensor, want, Array.from(want.values, () => bound), what);
      return;
    }
    const q = expected as Extract<FixtureValue, { kind: 'IntQuantTensor' }>;
    const scale = decodeTensor(q.scale);
    const value = decodeTensor(q.value);
    this.relative(actual.scale, scale, oneStep.rtol, {}, `${what}.scale`);
    this.relative(actual.zeroPoint, decodeTensor(q.zero_point), oneStep.rtol, tolerance, `${what}.zeroPoint`);
    if (!broadcastsTo(scale.shape, value.shape)) {
      this.fail(`${what}: the expected scale [${scale.shape.join(', ')}] does not broadcast to the value [${value.shape.join(', ')}]`);
    } else {
      const scaleAt = broadcastIndex(scale.shape, value.shape);
      const accumulation = this.accumulationBound(value, tolerance);
      const bounds = Array.from(value.values, (v, i) => {
        const step = Math.abs(scale.values[scaleAt[i] as number] as number);
        return step * (1 + oneStep.rtol) + oneStep.rtol * Math.abs(v) + accumulation;
      });
      this.closeEach(actual.value, value, bounds, `${what}.value`);
    }
    this.exact(actual.bitWidth, decodeTensor(q.bit_width), `${what}.bitWidth`);
    this.equal(actual.signed, q.signed, `${what}.signed`);
    this.equal(actual.training, q.training, `${what}.training`);
    this.equal(actual.isValid, q.is_valid, `${what}.isValid`);
    if (q.int_value !== null) {
      const want = decodeTensor(q.int_value);
      if (actual.intValue === null) this.fail(`${what}.int(): expected integers, got none (isValid ${String(actual.isValid)})`);
      else if (actual.intValue.dtype !== want.dtype) this.fail(`${what}.int(): expected a ${want.dtype} tensor, got ${actual.intValue.dtype}`);
      else this.closeEach(actual.intValue, want, Array.from(want.values, () => oneStep.codes), `${what}.int()`);
    }
  }

  /** A fixture tensor against a Parvus tensor. */
  async tensor(actual: Tensor, expected: FixtureTensor, what: string): Promise<void> {
    this.exact(await read(actual), decodeTensor(expected, what), what);
  }

  /**
   * The statistics state of the modules the fixture lists (ParameterFromRuntimeStatsScaling,
   * ParameterFromRuntimeZeroPoint: counter, collectStatsSteps, momentum, buffer, value;
   * ParameterScaling: value), found by their module paths in camelCase.
   */
  async quantState(
    model: Module,
    states: FixtureQuantStates | undefined,
    what: string,
    toleranceOf: (path: string) => ValueTolerance = () => ({}),
  ): Promise<void> {
    for (const [path, state] of Object.entries(states ?? {})) {
      const tolerance = toleranceOf(brevitasToParvusKey(path));
      const where = `${what} ${brevitasToParvusKey(path)}`;
      let module: Module;
      try {
        module = model.getSubmodule(brevitasToParvusKey(path));
      } catch (error) {
        this.fail(`${where}: ${(error as Error).message}`);
        continue;
      }
      const internals = module as unknown as { counter?: number; collectStatsSteps?: number; momentum?: number | null; buffer?: Tensor; value?: Tensor };
      this.equal(module.constructor.name, state.type, `${where} type`);
      if (state.counter !== undefined) this.equal(internals.counter, state.counter, `${where}.counter`);
      if (state.collect_stats_steps !== undefined) this.equal(internals.collectStatsSteps, state.collect_stats_steps, `${where}.collectStatsSteps`);
      if (state.momentum !== undefined) this.equal(internals.momentum, state.momentum, `${where}.momentum`);
      if (state.buffer !== undefined) {
        if (internals.buffer) this.stateFloats(await read(internals.buffer), decodeTensor(state.buffer), tolerance, `${where}.buffer`);
        else this.fail(`${where}: no buffer`);
      }
      if (internals.value) this.stateFloats(await read(internals.value), decodeTensor(state.value), tolerance, `${where}.value`);
      else this.fail(`${where}: no value`);
    }
  }

  /**
   * A state dict against the fixture's: the same keys in the same order (Brevitas keys in
   * camelCase), and for each the same shape and values (bit for bit, or within `toleranceOf(key)`
   * for state computed from accumulated outputs).
   */
  async stateDict(
    model: Module,
    expected: ReadonlyArray<{ readonly key: string; readonly value: FixtureTensor }>,
    what: string,
    toleranceOf: (key: string) => ValueTolerance = () => ({}),
  ): Promise<void> {
    const actual = model.stateDict();
    const expectedKeys = expected.map((e) => brevitasToParvusKey(e.key));
    const actualKeys = [...actual.keys()];
    if (expectedKeys.join() !== actualKeys.join()) {
      this.fail(`${what} keys: expected [${expectedKeys.join(', ')}], got [${actualKeys.join(', ')}]`);
    }
    for (const entry of expected) {
      const key = brevitasToParvusKey(entry.key);
      const tensor = actual.get(key);
      if (tensor) this.floats(await read(tensor), decodeTensor(entry.value, key), toleranceOf(key), `${what} ${key}`);
    }
  }

  /** Throw every mismatch found (sign-of-zero-only ones under their own heading). */
  throwIfAny(): void {
    if (this.count === 0) return;
    const parts: string[] = [];
    if (this.lines.length > 0) parts.push(`${this.lines.length} mismatch(es):\n  ${this.lines.join('\n  ')}`);
    if (this.zeroSignLines.length > 0) parts.push(`only the sign of zero differs in ${this.zeroSignLines.length} value(s):\n  ${this.zeroSignLines.join('\n  ')}`);
    throw new Error(`${this.caseName}: ${parts.join('\n')}`);
  }
}

/** Forward fixture inputs through `model` in its current mode and read the result back. */
export async function forwardSnapshot(model: Module, inputs: ReadonlyArray<FixtureValue | FixtureTensor>, what: string): Promise<ValueSnapshot> {
  const values = inputs.map((v, i) => toValue(v, `${what} input ${i}`));
  let output: Tensor | IntQuantTensor | null = null;
  try {
    output = tidy(() => model.forward(...values) as Tensor | IntQuantTensor);
    return await snapshotValue(output);
  } finally {
    output?.dispose();
    for (const v of values) v.dispose();
  }
}
