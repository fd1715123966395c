/** Encoding the exporter's graph as an ONNX ModelProto, on the typed ONNX schema of onnx-buf. */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
} from 'onnx-buf';
import type { AttributeProto, TensorProto, ValueInfoProto } from 'onnx-buf';
import type { AttributeValue, Graph, Initializer, OnnxElementType, ValueInfo } from '../graph/ir.js';

export const ELEMENT_TYPES: Record<OnnxElementType, TensorProto_DataType> = {
  float32: TensorProto_DataType.FLOAT,
  float64: TensorProto_DataType.DOUBLE,
  int32: TensorProto_DataType.INT32,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
  int8: TensorProto_DataType.INT8,
  uint8: TensorProto_DataType.UINT8,
  int16: TensorProto_DataType.INT16,
  uint16: TensorProto_DataType.UINT16,
};

/**
 * The lowest IR version that carries an opset: older checkers (Debian's onnx 1.12 reads IR ≤ 8)
 * accept the model, and every onnxruntime reads it.
 */
export function irVersionFor(opsetVersion: number): number {
  if (opsetVersion <= 13) return 7;
  if (opsetVersion <= 18) return 8;
  if (opsetVersion <= 20) return 9;
  return 10;
}

/** Little-endian bytes of the values in the element type (ONNX's raw_data). */
function rawData(initializer: Initializer): Uint8Array<ArrayBuffer> {
  const { type, values } = initializer;
  let array: Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | BigInt64Array;
  switch (type) {
    case 'float32': array = Float32Array.from(values); break;
    case 'float64': array = Float64Array.from(values); break;
    case 'int32': array = Int32Array.from(values); break;
    case 'int64': array = BigInt64Array.from(Array.from(values, (v) => BigInt(v))); break;
    case 'int8': array = Int8Array.from(values); break;
    case 'bool':
    case 'uint8': array = Uint8Array.from(values); break;
    case 'int16': array = Int16Array.from(values); break;
    case 'uint16': array = Uint16Array.from(values); break;
  }
  // Typed arrays are little-endian on every platform that runs JavaScript engines today.
  return new Uint8Array(array.buffer as ArrayBuffer, array.byteOffset, array.byteLength);
}

function tensorProto(initializer: Initializer): TensorProto {
  return create(TensorProtoSchema, {
    name: initializer.name,
    dims: initializer.dims.map((d) => BigInt(d)),
    dataType: ELEMENT_TYPES[initializer.type],
    rawData: rawData(initializer),
  });
}

function attributeProto(name: string, value: AttributeValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (write { float: ${value} })`);
    return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(value) });
  }
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: value.map((v: number) => BigInt(v)) });
  return create(AttributeProtoSchema, { name, type: T.FLOAT, f: (value as { float: number }).float });
}

function valueInfoProto(info: ValueInfo): ValueInfoProto {
  const shape = create(TensorShapeProtoSchema, {
    dim: info.dims.map((d) => create(TensorShapeProto_DimensionSchema, {
      value: typeof d === 'string' ? { case: 'dimParam', value: d } : { case: 'dimValue', value: BigInt(d) },
    })),
  });
  return create(ValueInfoProtoSchema, {
    name: info.name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: ELEMENT_TYPES[info.type], shape }) },
    }),
  });
}

export interface ModelMetadata {
  producerName: string;
  producerVersion: string;
  docString: string;
  /** Key/value pairs stored in the model (metadata_props). */
  properties: Record<string, string>;
}

/** The serialized ModelProto of `graph`. */
export function encodeModel(graph: Graph, metadata: ModelMetadata): Uint8Array {
  const graphProto = create(GraphProtoSchema, {
    name: graph.name,
    node: graph.topologicalNodes().map((node) => create(NodeProtoSchema, {
      name: node.name,
      opType: node.opType,
      domain: node.domain,
      input: node.inputs,
      output: node.outputs,
      attribute: Object.entries(node.attributes).map(([name, value]) => attributeProto(name, value)),
    })),
    input: graph.inputs.map(valueInfoProto),
    output: graph.outputs.map(valueInfoProto),
    initializer: graph.initializers.map(tensorProto),
  });
  const onnxOpset = graph.opsets.get('') ?? 13;
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(irVersionFor(onnxOpset)),
    producerName: metadata.producerName,
    producerVersion: metadata.producerVersion,
    docString: metadata.docString,
    opsetImport: [...graph.opsets].map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
    metadataProps: Object.entries(metadata.properties).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
    graph: graphProto,
  });
  return toBinary(ModelProtoSchema, model);
}
