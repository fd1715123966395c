/**
 * Running ops on the backend under test: inputs go in as exact float32/int32/bool values, outputs
 * come back as host arrays, and every tensor is freed afterwards. Reads are asynchronous
 * (`tensor.data()`), so backends without a synchronous read path run the suite too.
 */
import type { DType, Tensor, TypedArray } from '@parvus/core';
import { tensor, tidy } from '@parvus/core';
import type { Array64 } from './oracle64/index.js';
import type { Result } from './expect.js';

/** A host-side input: exact values of the given dtype. */
export interface Input {
  readonly shape: readonly number[];
  readonly data: Float64Array;
  readonly dtype: DType;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function input(shape: readonly number[], values: ArrayLike<number>, dtype: DType): Input {
  if (values.length !== sizeOf(shape)) throw new Error(`input: ${values.length} values for shape [${shape.join(', ')}]`);
  const data = Float64Array.from(values);
  for (const v of data) {
    const exact = dtype === 'float32' ? Object.is(Math.fround(v), v) || Number.isNaN(v)
      : dtype === 'int32' ? (v | 0) === v : v === 0 || v === 1;
    // Inputs must be exactly representable, or backend and oracle would see different numbers.
    if (!exact) throw new Error(`input: ${v} is not an exact ${dtype} value`);
  }
  return { shape: [...shape], data, dtype };
}

export const f32 = (shape: readonly number[], values: ArrayLike<number>): Input => input(shape, values, 'float32');
export const i32 = (shape: readonly number[], values: ArrayLike<number>): Input => input(shape, values, 'int32');
export const bool = (shape: readonly number[], values: ArrayLike<number>): Input => input(shape, values, 'bool');

/** An oracle array as an input (its values must already be exact in `dtype`). */
export function fromArray64(a: Array64, dtype: DType = 'float32'): Input {
  return input(a.shape, a.data, dtype);
}

/** The oracle's view of an input (the same numbers, as float64). */
export function as64(x: Input): Array64 {
  return { shape: x.shape, data: x.data };
}

function typed(x: Input): TypedArray {
  if (x.dtype === 'float32') return Float32Array.from(x.data);
  if (x.dtype === 'int32') return Int32Array.from(x.data);
  return Uint8Array.from(x.data);
}

export function makeTensor(x: Input): Tensor {
  return tensor(typed(x), x.shape);
}

export async function read(t: Tensor): Promise<Result> {
  const values = await t.data();
  // A copy: the backend may hand out (and later reuse) its own storage.
  return { shape: [...t.shape], dtype: t.dtype, values: values.slice() };
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Run `fn` on tensors made from `inputs` inside `tidy` and read its outputs. Also checks that the
 * kernels left their inputs unchanged (a kernel that writes into an input corrupts every other
 * tensor sharing that storage, e.g. after reshape).
 */
export async function run(inputs: readonly Input[], fn: (...ts: Tensor[]) => Tensor | readonly Tensor[]): Promise<Result[]> {
  const leaves = inputs.map(makeTensor);
  let outputs: Tensor[] = [];
  try {
    outputs = tidy(() => {
      const result = fn(...leaves);
      return Array.isArray(result) ? [...(result as readonly Tensor[])] : [result as Tensor];
    });
    const results: Result[] = [];
    for (const output of outputs) results.push(await read(output));
    for (let i = 0; i < leaves.length; i++) {
      const after = await (leaves[i] as Tensor).data();
      const before = typed(inputs[i] as Input);
      if (!sameValues(after, before)) throw new Error(`the operation modified its input ${i} (shape [${inputs[i]?.shape.join(', ')}])`);
    }
    return results;
  } finally {
    for (const t of outputs) t.dispose();
    for (const t of leaves) t.dispose();
  }
}

/** Run `fn` with one output. */
export async function run1(inputs: readonly Input[], fn: (...ts: Tensor[]) => Tensor): Promise<Result> {
  return (await run(inputs, fn))[0] as Result;
}

export interface GradientRun {
  output: Result;
  /** One per entry of `wrt`. */
  grads: Result[];
}

/**
 * Forward `fn` on leaves made from `inputs` (those listed in `wrt` require grad), backpropagate
 * `upstream` with core autograd, and read the output and the leaves' accumulated gradients.
 */
export async function runGradient(
  inputs: readonly Input[],
  wrt: readonly number[],
  fn: (...ts: Tensor[]) => Tensor,
  upstream: Input,
): Promise<GradientRun> {
  const leaves = inputs.map(makeTensor);
  for (const i of wrt) (leaves[i] as Tensor).requiresGrad_();
  let output: Tensor | null = null;
  try {
    output = tidy(() => {
      const y = fn(...leaves);
      y.backward(makeTensor(upstream));
      return y;
    });
    const result = await read(output);
    const grads: Result[] = [];
    for (const i of wrt) {
      const grad = (leaves[i] as Tensor).grad;
      if (!grad) throw new Error(`no gradient reached input ${i}`);
      grads.push(await read(grad));
    }
    return { output: result, grads };
  } finally {
    output?.dispose();
    for (const t of leaves) t.dispose();
  }
}
