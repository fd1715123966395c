/**
 * A small builder for single-node (or small fused) ONNX models, on the typed ONNX 1.20 schema of
 * onnx-buf. Inputs are named input0, input1, … and outputs output0, output1, … so that a cached
 * session can be fed without rebuilding its graph.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from 'onnx-buf';

/** Element types the kernels use inside graphs (Parvus dtypes plus ONNX's index and key types). */
export type OnnxType = 'float32' | 'int32' | 'bool' | 'int64' | 'float64' | 'uint8';

/** The opset every graph imports (ONNX 1.16; onnxruntime 1.30 implements it on wasm and WebGPU). */
export const OPSET_VERSION = 21;
const IR_VERSION = 10n;

const ELEMENT_TYPES: Record<OnnxType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  int32: TensorProto_DataType.INT32,
  bool: TensorProto_DataType.BOOL,
  int64: TensorProto_DataType.INT64,
  float64: TensorProto_DataType.DOUBLE,
  uint8: TensorProto_DataType.UINT8,
};

/** A constant tensor: values (exact in its type) and dimensions. */
export interface ConstantValue {
  type: OnnxType;
  values: ArrayLike<number>;
  dims: readonly number[];
}

/**
 * An attribute value. Plain numbers are INT attributes and number arrays INTS; a float attribute
 * is written `{ float: 0.5 }` (ONNX distinguishes them, and 1 would otherwise be ambiguous).
 */
export type AttributeValue = number | readonly number[] | string | { float: number } | { tensor: ConstantValue } | { graph: GraphProto };

function rawBytes(value: ConstantValue): Uint8Array<ArrayBuffer> {
  const n = value.values.length;
  let array: ArrayBufferView;
  switch (value.type) {
    case 'float32': array = Float32Array.from(value.values); break;
    case 'float64': array = Float64Array.from(value.values); break;
    case 'int32': array = Int32Array.from(value.values); break;
    case 'int64': array = BigInt64Array.from(Array.from(value.values, (v) => BigInt(v))); break;
    case 'bool':
    case 'uint8': array = Uint8Array.from(value.values); break;
  }
  if (array.byteLength !== n * bytesOf(value.type)) throw new Error('constant: unexpected byte length');
  // Typed arrays are little-endian on every platform onnxruntime runs on, as ONNX's raw_data is.
  return new Uint8Array(array.buffer as ArrayBuffer, array.byteOffset, array.byteLength);
}

function bytesOf(type: OnnxType): number {
  return type === 'float64' || type === 'int64' ? 8 : type === 'bool' || type === 'uint8' ? 1 : 4;
}

function tensorProto(name: string, value: ConstantValue): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: value.dims.map((d) => BigInt(d)),
    dataType: ELEMENT_TYPES[value.type],
    rawData: rawBytes(value),
  });
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (write { float: ${value} })`);
    return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(value) });
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: (value as number[]).map((v) => BigInt(v)) });
  if ('float' in value) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: value.float });
  if ('tensor' in value) return create(AttributeProtoSchema, { name, type: T.TENSOR, t: tensorProto('', value.tensor) });
  if ('graph' in value) return create(AttributeProtoSchema, { name, type: T.GRAPH, g: value.graph });
  throw new Error(`attribute ${name}: unsupported value`);
}

/** A dimension: a number for a static size, null for a symbolic one. */
export type Dimension = number | null;

function valueInfo(name: string, type: OnnxType, dims?: readonly Dimension[]): ValueInfoProto {
  const shape = dims === undefined ? undefined : create(TensorShapeProtoSchema, {
    dim: dims.map((d, i) => create(TensorShapeProto_DimensionSchema, {
      value: d === null ? { case: 'dimParam', value: `${name}_${i}` } : { case: 'dimValue', value: BigInt(d) },
    })),
  });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: ELEMENT_TYPES[type], shape }) },
    }),
  });
}

export class OnnxGraph {
  private readonly nodes: NodeProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly constants = new Map<string, string>();
  private readonly renamed = new Map<string, string>();
  private nextValue = 0;
  private nextBranch = 0;
  readonly inputNames: string[] = [];
  readonly outputNames: string[] = [];

  /** `prefix` names the values of a subgraph apart from those of the graphs around it. */
  constructor(private readonly prefix = '') {}

  /** Declare the next graph input, with a static or symbolic (null) size per dimension. */
  input(type: OnnxType, dims: readonly Dimension[]): string {
    const name = `${this.prefix}input${this.inputs.length}`;
    this.inputs.push(valueInfo(name, type, dims));
    this.inputNames.push(name);
    return name;
  }

  /**
   * Declare `value` as the next graph output. The value is renamed to output<k> where a node
   * produces it (an Identity would copy it); inputs, constants and values already output go
   * through an Identity.
   */
  output(value: string, type: OnnxType): void {
    const name = `${this.prefix}output${this.outputs.length}`;
    const renamed = this.renamed.get(value);
    if (renamed === undefined && this.nodes.some((node) => node.output.includes(value))) {
      for (const node of this.nodes) {
        node.input = node.input.map((v) => (v === value ? name : v));
        node.output = node.output.map((v) => (v === value ? name : v));
      }
      this.renamed.set(value, name);
    } else {
      this.nodes.push(create(NodeProtoSchema, { opType: 'Identity', input: [renamed ?? value], output: [name] }));
    }
    this.outputs.push(valueInfo(name, type));
    this.outputNames.push(name);
  }

  /** A constant (initializer); identical constants are shared. */
  constant(type: OnnxType, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    const key = `${type}|${dims.join(',')}|${Array.from(values, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `${this.prefix}const${this.initializers.length}`;
    this.initializers.push(tensorProto(name, { type, values, dims }));
    this.constants.set(key, name);
    return name;
  }

  /** A rank-0 constant. */
  scalar(type: OnnxType, value: number): string {
    return this.constant(type, [value], []);
  }

  /** Add a node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.opN(opType, inputs, 1, attributes)[0] as string;
  }

  /** Add a node with `count` outputs; returns their names. An input named '' is an omitted optional input. */
  opN(opType: string, inputs: readonly string[], count: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const outputs = Array.from({ length: count }, () => `${this.prefix}v${this.nextValue++}`);
    this.nodes.push(create(NodeProtoSchema, {
      opType,
      name: `${this.prefix}${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    }));
    return outputs;
  }

  /**
   * A subgraph (an If branch): `build` adds nodes to a graph that may use this graph's values by
   * name, and returns its outputs with their types.
   */
  branch(build: (graph: OnnxGraph) => ReadonlyArray<readonly [string, OnnxType]>): { graph: GraphProto } {
    const child = new OnnxGraph(`${this.prefix}b${this.nextBranch++}_`);
    for (const [value, type] of build(child)) child.output(value, type);
    return { graph: child.graphProto() };
  }

  /** Names of the nodes of one op type (for per-node execution-provider options). */
  nodeNames(opType: string): string[] {
    return this.nodes.filter((node) => node.opType === opType).map((node) => node.name);
  }

  private graphProto(): GraphProto {
    return create(GraphProtoSchema, {
      name: `parvus${this.prefix}`,
      node: this.nodes,
      input: this.inputs,
      output: this.outputs,
      initializer: this.initializers,
    });
  }

  /** The serialized ModelProto. */
  toBytes(): Uint8Array {
    const graph = this.graphProto();
    const model = create(ModelProtoSchema, {
      irVersion: IR_VERSION,
      producerName: '@parvus/backend-onnxruntime',
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(OPSET_VERSION) })],
      graph,
    });
    return toBinary(ModelProtoSchema, model);
  }
}
