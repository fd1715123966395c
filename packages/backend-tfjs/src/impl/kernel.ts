/** The frame every tfjs kernel runs in: activate its tfjs backend, compute inside `tf.tidy`, adopt the results. */
import * as tf from '@tensorflow/tfjs-core';
import type { Backend, KernelFunc, TensorInfo } from '@parvus/core';
import { TfjsBackend } from '../tfjs-backend.js';
import type { ElementFunction } from './tiny.js';
import { tinyBinary, tinyUnary } from './tiny.js';

/**
 * The `backendName` of the kernel configs in src/kernels: register-all-kernels.ts registers each
 * config under every Parvus name of this package ('tfjs', 'tfjs-wasm', 'tfjs-cpu', …).
 */
export const TFJS_KERNEL_BACKEND = 'tfjs';

export function asTfjs(backend: Backend): TfjsBackend {
  if (!(backend instanceof TfjsBackend)) throw new Error(`expected a tfjs backend, got '${backend.name}'`);
  return backend;
}

/** What a kernel body receives: its inputs as tf.Tensors (with the inputs' shapes), attributes, the backend. */
export interface TfjsKernelArgs<A> {
  readonly inputs: tf.Tensor[];
  readonly attrs: A;
  readonly backend: TfjsBackend;
}

/**
 * A Parvus kernel from a body written with tfjs ops. Everything the body creates except its result
 * is disposed by `tf.tidy`; the result's tensors become the outputs' storage.
 */
export function tfjsKernel<A>(body: (args: TfjsKernelArgs<A>) => tf.Tensor | tf.Tensor[]): KernelFunc<A> {
  return ({ inputs, attrs, backend }): TensorInfo | TensorInfo[] => {
    const b = asTfjs(backend);
    b.activate();
    const result = tf.tidy(() => body({ inputs: inputs.map((info) => b.input(info)), attrs, backend: b }));
    // An input's own tf.Tensor returned as is, or one tensor returned twice, is cloned (see TfjsBackend.output).
    const owned = inputs.map((info) => b.tensorOf(info.dataId));
    if (!Array.isArray(result)) return b.output(result, owned);
    return result.map((t, i) => b.output(t, [...owned, ...result.slice(0, i)]));
  };
}

/** Throws unless every input has one of `dtypes`. */
export function expectDTypes(kernel: string, inputs: readonly tf.Tensor[], dtypes: readonly tf.DataType[]): void {
  for (const t of inputs) {
    if (!dtypes.includes(t.dtype)) throw new Error(`${kernel} is not defined for ${t.dtype} tensors`);
  }
}

type Elementwise = (x: tf.Tensor, backend: TfjsBackend) => tf.Tensor;

/**
 * A unary kernel: `float32` on float tensors, `int32` on int32 ones (the contract allows Neg, Abs,
 * Sign and Relu on int32; rounding kernels are the identity there). bool is refused. `element`:
 * the kernel on one element, for tiny tensors on host data (impl/tiny.ts).
 */
export function unaryKernel(
  kernel: string, float32: Elementwise, int32?: Elementwise, element?: ElementFunction<(x: number) => number>,
): KernelFunc<Record<string, never>> {
  return tfjsKernel(({ inputs, backend }) => {
    const x = inputs[0] as tf.Tensor;
    if (x.dtype === 'float32' || (x.dtype === 'int32' && int32)) {
      const tiny = tinyUnary(backend, x, x.dtype, element);
      if (tiny) return tiny;
    }
    if (x.dtype === 'float32') return float32(x, backend);
    if (x.dtype === 'int32' && int32) return int32(x, backend);
    throw new Error(`${kernel} is not defined for ${x.dtype} tensors`);
  });
}

/** `shape`: the operands' broadcast shape (non-empty). */
type BinaryOp = (a: tf.Tensor, b: tf.Tensor, backend: TfjsBackend, shape: number[]) => tf.Tensor;

/**
 * The broadcast shape of some operands, or null when it is empty (tfjs-wasm mishandles empty
 * broadcasts, e.g. where([0, 3], [1, 3], []), so kernels answer those without tfjs).
 */
export function nonEmptyBroadcast(...shapes: ReadonlyArray<readonly number[]>): number[] | null {
  let shape: number[] = [];
  for (const s of shapes) shape = tf.broadcast_util.assertAndGetBroadcastShape(shape, [...s]);
  return shape.includes(0) ? null : shape;
}

/**
 * A broadcasting binary kernel on operands of one dtype (core promotes before dispatch). `element`:
 * the kernel on one pair of elements, for tiny tensors on host data (impl/tiny.ts).
 */
export function binaryKernel(
  kernel: string, op: BinaryOp, dtypes: readonly tf.DataType[], outputDType?: 'bool',
  element?: ElementFunction<(a: number, b: number) => number>,
): KernelFunc<Record<string, never>> {
  return tfjsKernel(({ inputs, backend }) => {
    const [a, b] = inputs as [tf.Tensor, tf.Tensor];
    if (a.dtype !== b.dtype) throw new Error(`${kernel}: operand dtypes differ (${a.dtype}, ${b.dtype})`);
    expectDTypes(kernel, [a], dtypes);
    const shape = nonEmptyBroadcast(a.shape, b.shape);
    if (!shape) {
      return tf.zeros(tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape), outputDType ?? a.dtype);
    }
    return tinyBinary(backend, a, b, shape, outputDType ?? (a.dtype as 'float32' | 'int32' | 'bool'), element) ?? op(a, b, backend, shape);
  });
}
