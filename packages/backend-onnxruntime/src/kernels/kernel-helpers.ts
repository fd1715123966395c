/** Shared pieces of the kernels: the backend check and the elementwise kernel shapes. */
import type { Backend, DType, KernelFunc, TensorInfo } from '@parvus/core';
import type { OnnxGraph } from '../graph/onnx-graph.js';
import { OnnxruntimeBackend } from '../onnxruntime-backend.js';
import { broadcastShape } from '../shape.js';

/** The backend every config in this package is registered under by default (others are added in a loop). */
export const BACKEND_NAME = 'onnxruntime';

export function asOnnxruntime(backend: Backend): OnnxruntimeBackend {
  if (!(backend instanceof OnnxruntimeBackend)) throw new Error(`expected an onnxruntime backend, got '${backend.name}'`);
  return backend;
}

/** What a graph builder may depend on besides its inputs. */
export interface BuildContext {
  /** WebGPU has no float64: exact-rounding tricks that need it are replaced there. */
  readonly float64: boolean;
  /** The input's shape (set when the kernel declares a static-shape graph). */
  readonly shape: readonly number[];
}

/** Builds the value of a one-input graph from its input's name. */
export type UnaryBuilder = (graph: OnnxGraph, x: string, context: BuildContext) => string;

export interface UnaryKernelOptions {
  float32: UnaryBuilder;
  /** int32 inputs: a graph, 'identity' (rounding functions), or absent (not defined on integers). */
  int32?: UnaryBuilder | 'identity';
  /** Whether the float32 graph depends on the input's size (it then gets a session per shape). */
  shapeDependent?: boolean;
}

export function unaryKernel(kernelName: string, options: UnaryKernelOptions): KernelFunc {
  return ({ inputs, backend }) => {
    const b = asOnnxruntime(backend);
    const x = inputs[0] as TensorInfo;
    const build = x.dtype === 'float32' ? options.float32 : x.dtype === 'int32' ? options.int32 : undefined;
    if (!build) throw new Error(`${kernelName} is not defined for ${x.dtype} tensors`);
    if (build === 'identity') return b.alias(x);
    const context: BuildContext = { float64: b.flavour !== 'webgpu', shape: x.shape };
    const staticShapes = options.shapeDependent === true && x.dtype === 'float32' && context.float64;
    return b.runGraph({
      kernelName,
      key: '',
      inputs: [x],
      outputs: [{ shape: x.shape, dtype: x.dtype }],
      staticShapes,
      build: (graph, [input]) => [build(graph, input as string, context)],
    })[0] as TensorInfo;
  };
}

/** Builds the value of a two-input graph; `dtype` is the operands' dtype. */
export type BinaryBuilder = (graph: OnnxGraph, a: string, b: string, dtype: DType, context: BuildContext) => string;

export interface BinaryKernelOptions {
  /** Dtypes the kernel accepts. */
  dtypes: readonly DType[];
  /** Comparisons return bool; arithmetic keeps the operands' dtype. */
  comparison: boolean;
}

export function binaryKernel(kernelName: string, build: BinaryBuilder, options: BinaryKernelOptions): KernelFunc {
  return ({ inputs, backend }) => {
    const b = asOnnxruntime(backend);
    const [x, y] = inputs as [TensorInfo, TensorInfo];
    if (x.dtype !== y.dtype) throw new Error(`${kernelName}: operand dtypes differ (${x.dtype}, ${y.dtype})`);
    if (!options.dtypes.includes(x.dtype)) throw new Error(`${kernelName} is not defined for ${x.dtype} tensors`);
    const shape = broadcastShape(x.shape, y.shape);
    const context: BuildContext = { float64: b.flavour !== 'webgpu', shape };
    return b.runGraph({
      kernelName,
      key: '',
      inputs: [x, y],
      outputs: [{ shape, dtype: options.comparison ? 'bool' : x.dtype }],
      build: (graph, [ia, ib]) => [build(graph, ia as string, ib as string, x.dtype, context)],
    })[0] as TensorInfo;
  };
}

export function arithmeticKernel(kernelName: string, opType: string, dtypes: readonly DType[] = ['float32', 'int32']): KernelFunc {
  return binaryKernel(kernelName, (graph, a, b) => graph.op(opType, [a, b]), { dtypes, comparison: false });
}

/** Ordering comparisons: ONNX defines them on numbers, so bool operands compare as int32 (false < true). */
export function comparisonKernel(kernelName: string, opType: string): KernelFunc {
  return binaryKernel(kernelName, (graph, a, b, dtype) => {
    if (dtype !== 'bool') return graph.op(opType, [a, b]);
    const to = { to: INT32 };
    return graph.op(opType, [graph.op('Cast', [a], to), graph.op('Cast', [b], to)]);
  }, { dtypes: ['float32', 'int32', 'bool'], comparison: true });
}

/** ONNX TensorProto.DataType codes for Cast's `to`. */
export const FLOAT = 1;
export const UINT8 = 2;
export const INT32 = 6;
export const INT64 = 7;
export const BOOL = 9;
export const DOUBLE = 11;

export const ONNX_DTYPE_CODES: Readonly<Record<DType, number>> = { float32: FLOAT, int32: INT32, bool: BOOL };

/**
 * A float32 function evaluated in float64 and rounded once (correctly rounded but for
 * vanishingly rare ties), as the reference backend computes it with Math.*: onnxruntime's float32
 * kernels (MLAS) are off by an ulp often enough to break bit-exact comparisons with PyTorch.
 */
export function inFloat64(graph: OnnxGraph, x: string, opType: string): string {
  return graph.op('Cast', [graph.op(opType, [graph.op('Cast', [x], { to: DOUBLE })])], { to: FLOAT });
}

/** A key fragment for attributes (JSON keeps -0 and infinities apart from 0 and null). */
export function attrsKey(attrs: object): string {
  return JSON.stringify(attrs, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : Object.is(value, -0) ? '-0' : value);
}
