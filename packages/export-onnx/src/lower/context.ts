/**
 * The state of lowering one trace to a graph: the graph values of dynamic tensors, materialized
 * constants, the batch axis, and the dialect (QCDQ or QONNX) that writes quantizers.
 */
import type { DataId, DType } from '@parvus/core';
import { FakeQuantize, Slice, Transpose, sizeOf } from '@parvus/core';
import { ExportError } from '../errors.js';
import type { ModuleScope } from '../errors.js';
import type { AttributeValue, Dimension, Graph, OnnxElementType } from '../graph/ir.js';
import type { QuantizedConstant } from '../graph/quantized-constant.js';
import {
  fromFakeQuantize,
  fromQuantizedValue,
  intRange,
  reshapeQuantized,
  sliceQuantized,
  transposeQuantized,
  transposeValues,
} from '../graph/quantized-constant.js';
import type { ResolvedExportOptions } from '../options.js';
import type { ConstantData, KernelRecord, ModuleCall, Trace, TracedValue } from '../trace/trace.js';

/**
 * A dynamic tensor as a graph value: its name, its shape in the graph, and whether its first axis
 * follows the batch (is the batch, or a fixed multiple of it).
 */
export interface GraphValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: OnnxElementType;
  readonly batched: boolean;
}

/** A module call the dialect lowers as one node instead of its kernels. */
export interface CallLowering {
  /** The dynamic tensor the call reads. */
  readonly input: TracedValue;
  /** The dynamic tensor it produces. */
  readonly output: TracedValue;
  emit(ctx: LoweringContext): void;
}

/** How a format writes quantizers. */
export interface Dialect {
  /** A FakeQuantize on the data path: returns the dequantized value's name. */
  quantize(ctx: LoweringContext, x: GraphValue, scale: ConstantData, zeroPoint: ConstantData, quantMin: number, quantMax: number): string;
  /** A quantized constant the data path uses: returns the (dequantized) value's name. */
  quantizedConstant(ctx: LoweringContext, q: QuantizedConstant, hint: string): string;
  /** A module call lowered as one node (QONNX Trunc, BipolarQuant), or null. */
  lowerCall?(ctx: LoweringContext, call: ModuleCall): CallLowering | null;
}

export const ELEMENT_TYPE_OF: Record<DType, OnnxElementType> = { float32: 'float32', int32: 'int32', bool: 'bool' };

/** A view of a constant: transpose by `perm`, then take `shape` (same size). */
export interface ConstantView {
  perm?: readonly number[];
  shape?: readonly number[];
}

/** The quantizer's name within its layer ('weightQuant' for 'conv1.weightQuant.tensorQuant'). */
function quantizerName(scope: ModuleScope | null): string | null {
  if (!scope || !scope.path.startsWith(scope.layer)) return null;
  return scope.path.slice(scope.layer.length).split('.').find((part) => part !== '') ?? null;
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class LoweringContext {
  private readonly values = new Map<DataId, GraphValue>();
  private readonly reshapes = new Map<string, GraphValue>();
  private readonly constants = new Map<DataId, Map<string, string>>();
  private readonly quantized = new Map<DataId, QuantizedConstant | null>();
  /** The kernel record being lowered (for names and errors). */
  record: KernelRecord | null = null;
  scopeOverride: ModuleScope | null = null;

  constructor(
    readonly trace: Trace,
    readonly graph: Graph,
    readonly dialect: Dialect,
    readonly options: ResolvedExportOptions,
  ) {}

  get opset(): number {
    return this.options.opsetVersion;
  }

  /** The sample's batch size (the first dimension of the graph input). */
  get batchSize(): number {
    return this.trace.input?.shape[0] ?? 1;
  }

  /** A batched value's first dimension: the batch, or a multiple of it. */
  private dimensions(value: GraphValue): Dimension[] {
    return value.shape.map((d, i) => {
      if (i !== 0 || !value.batched) return d;
      const factor = d / this.batchSize;
      return factor === 1 ? 'batch' : `batch_x${factor}`;
    });
  }

  get scope(): ModuleScope {
    return this.scopeOverride ?? this.record?.scope ?? this.trace.rootScope;
  }

  /** Throw the export error for the current layer. */
  fail(reason: string): never {
    throw new ExportError(reason, this.scope);
  }

  /** Fail because the batch axis cannot stay symbolic. */
  failBatch(what: string): never {
    this.fail(`${what}, so the batch size cannot stay dynamic; export with { dynamicBatch: false } to fix it to the sample's`);
  }

  /** A readable name prefix for nodes and initializers: the layer, and the quantizer within it. */
  prefix(): string {
    const scope = this.scope;
    const quantizer = quantizerName(scope);
    const layer = scope.layer === '' ? this.trace.rootScope.type : scope.layer;
    return quantizer ? `${layer}.${quantizer}` : layer;
  }

  // --- nodes --------------------------------------------------------------------------------

  /** Add a node for the current layer; returns its output names. */
  nodes(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: { domain?: string; outputs?: number } = {}): string[] {
    return this.graph.addNode(`${this.prefix()}/${opType}`, opType, inputs, attributes, options);
  }

  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, options: { domain?: string } = {}): string {
    return this.nodes(opType, inputs, attributes, options)[0] as string;
  }

  /** An initializer named after the current layer. */
  initializer(hint: string, type: OnnxElementType, dims: readonly number[], values: ArrayLike<number>): string {
    return this.graph.addInitializer(`${this.prefix()}.${hint}`, type, dims, values);
  }

  /** A rank-0 or 1-D int64 initializer (shapes, axes, pads). */
  int64s(hint: string, values: readonly number[]): string {
    return this.initializer(hint, 'int64', [values.length], values);
  }

  scalar(hint: string, type: OnnxElementType, value: number): string {
    return this.initializer(hint, type, [], [value]);
  }

  // --- dynamic values -----------------------------------------------------------------------

  isDynamic(value: TracedValue): boolean {
    return this.trace.isDynamic(value);
  }

  /** Register the graph value of a dynamic tensor. */
  define(value: TracedValue, name: string, options: { batched: boolean; shape?: readonly number[]; type?: OnnxElementType }): GraphValue {
    const graphValue: GraphValue = {
      name,
      shape: options.shape ?? value.shape,
      type: options.type ?? ELEMENT_TYPE_OF[value.dtype],
      batched: options.batched && this.options.dynamicBatch,
    };
    this.values.set(value.dataId, graphValue);
    return graphValue;
  }

  /** The graph value of a dynamic tensor's storage, in the shape it was defined with. */
  source(value: TracedValue): GraphValue {
    const source = this.values.get(value.dataId);
    if (!source) throw new Error(`internal: no graph value for a dynamic tensor of shape [${value.shape.join(', ')}]`);
    return source;
  }

  /** The graph value of a dynamic tensor, in the shape the kernel saw (a Reshape when it is a view). */
  use(value: TracedValue): GraphValue {
    const source = this.source(value);
    if (shapesEqual(source.shape, value.shape)) return source;
    const key = `${source.name}|${value.shape.join(',')}`;
    const cached = this.reshapes.get(key);
    if (cached) return cached;
    let target: number[] = [...value.shape];
    if (source.batched) {
      // The first axis is a multiple of the batch: keep it (0) or let ONNX infer it (−1), the
      // other axes being fixed; e.g. a linear layer's [N, T, in] → [N·T, in] → [N, T, out].
      const first = value.shape[0];
      if (first === source.shape[0]) target = [0, ...value.shape.slice(1)];
      else if (first !== undefined && first % this.batchSize === 0) target = [-1, ...value.shape.slice(1)];
      else this.failBatch(`a reshape from [${source.shape.join(', ')}] to [${value.shape.join(', ')}] moves the batch axis`);
    }
    const name = this.node('Reshape', [source.name, this.int64s('shape', target)]);
    const reshaped: GraphValue = { name, shape: value.shape, type: source.type, batched: source.batched };
    this.reshapes.set(key, reshaped);
    return reshaped;
  }

  value(value: TracedValue): string {
    return this.use(value).name;
  }

  /** A dynamic tensor's graph value, or a constant's initializer. */
  operand(value: TracedValue): string {
    return this.isDynamic(value) ? this.value(value) : this.constant(value);
  }

  // --- constants ----------------------------------------------------------------------------

  constantData(value: TracedValue): ConstantData {
    if (this.isDynamic(value)) this.fail(`an operand that must be constant (${this.record?.kernelName ?? 'a quantizer parameter'}) depends on the input`);
    return this.trace.constant(value);
  }

  /**
   * The initializer(s) of a constant, optionally viewed (transposed, reshaped). A quantized
   * constant (a quantizer's output, or a transpose/slice of one) goes through the dialect: integers
   * and a DequantizeLinear for QCDQ, a Quant node for QONNX.
   */
  constant(value: TracedValue, view: ConstantView = {}, hint = 'const'): string {
    const key = `${value.shape.join(',')}|${view.perm?.join(',') ?? ''}|${view.shape?.join(',') ?? ''}`;
    let cache = this.constants.get(value.dataId);
    if (!cache) this.constants.set(value.dataId, (cache = new Map()));
    const cached = cache.get(key);
    if (cached) return cached;
    let name: string;
    const q = value.dtype === 'float32' ? this.quantizedConstant(value) : null;
    if (q) {
      let viewed = reshapeQuantized(q, value.shape);
      if (view.perm) viewed = transposeQuantized(viewed, view.perm);
      if (view.shape) viewed = reshapeQuantized(viewed, view.shape);
      name = this.dialect.quantizedConstant(this, viewed, quantizerName(q.scope) ?? hint);
    } else {
      const data = this.constantData(value);
      let values: ConstantData['values'] = data.values;
      let shape: readonly number[] = value.shape;
      if (view.perm) {
        values = transposeValues(values, shape, view.perm);
        shape = view.perm.map((p) => shape[p] as number);
      }
      if (view.shape) shape = view.shape;
      if (sizeOf(shape) !== values.length) throw new Error('internal: constant view of another size');
      name = this.initializer(hint, ELEMENT_TYPE_OF[value.dtype], shape, values);
    }
    cache.set(key, name);
    return name;
  }

  /** The integer grid of a constant, when it is a quantizer's output or a transpose/slice of one. */
  quantizedConstant(value: TracedValue): QuantizedConstant | null {
    if (this.quantized.has(value.dataId)) return this.quantized.get(value.dataId) as QuantizedConstant | null;
    const q = this.findQuantized(value);
    this.quantized.set(value.dataId, q);
    return q;
  }

  private findQuantized(value: TracedValue): QuantizedConstant | null {
    if (this.isDynamic(value)) return null;
    const proxy = this.trace.quantOutputs.get(value.dataId);
    const producer = this.trace.producer(value);
    const kind = proxy?.kind ?? 'int';
    if (producer?.kernelName === FakeQuantize && !producer.dynamic) {
      const [x, scale, zeroPoint] = producer.inputs as [TracedValue, TracedValue, TracedValue];
      const output = producer.outputs[0] as TracedValue;
      const attrs = producer.attrs as { quantMin: number; quantMax: number };
      return fromFakeQuantize(this.trace.constant(x), this.trace.constant(scale), this.trace.constant(zeroPoint), this.trace.constant(output).values, attrs.quantMin, attrs.quantMax, kind, producer.scope);
    }
    if (proxy) {
      const range: [number, number] = proxy.kind === 'int' ? intRange(proxy.bitWidth, proxy.signed, proxy.narrowRange) : [-1, 1];
      const data = this.trace.constant(value);
      return fromQuantizedValue({ values: data.values, shape: proxy.valueShape }, proxy.scale, proxy.zeroPoint, range, proxy.kind, proxy.scope);
    }
    if (producer && !producer.dynamic && (producer.kernelName === Transpose || producer.kernelName === Slice)) {
      const input = producer.inputs[0] as TracedValue;
      const source = this.quantizedConstant(input);
      if (!source) return null;
      const shaped = reshapeQuantized(source, input.shape);
      if (producer.kernelName === Transpose) return transposeQuantized(shaped, (producer.attrs as { perm: number[] }).perm);
      const { begin, size } = producer.attrs as { begin: number[]; size: number[] };
      return sliceQuantized(shaped, begin, size);
    }
    return null;
  }

  // --- graph interface ----------------------------------------------------------------------

  /** Declare the graph input. */
  input(value: TracedValue, name: string): void {
    const batched = this.options.dynamicBatch && value.shape.length > 0;
    const dims: Dimension[] = value.shape.map((d, i) => (i === 0 && batched ? 'batch' : d));
    const graphName = this.graph.addInput(name, ELEMENT_TYPE_OF[value.dtype], dims);
    this.define(value, graphName, { batched });
  }

  /** Declare a graph output under `outputName` (reserved with graph.uniqueName): an Identity names it. */
  output(value: TracedValue, outputName: string): void {
    let source: GraphValue;
    if (this.isDynamic(value)) {
      source = this.use(value);
    } else {
      source = { name: this.constant(value), shape: value.shape, type: ELEMENT_TYPE_OF[value.dtype], batched: false };
    }
    this.graph.nodes.push({ name: this.graph.uniqueName(`${outputName}/Identity`), opType: 'Identity', domain: '', inputs: [source.name], outputs: [outputName], attributes: {} });
    this.graph.addOutput(outputName, source.type, this.dimensions(source));
  }
}
