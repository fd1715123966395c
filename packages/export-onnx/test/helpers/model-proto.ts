/** Reading an exported model back (onnx-buf), for assertions on its structure. */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf';
import type { ModelProto, NodeProto } from 'onnx-buf';

export function decode(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}

export function opTypes(model: ModelProto): string[] {
  return model.graph?.node.map((node) => node.opType) ?? [];
}

export function nodesOf(model: ModelProto, opType: string): NodeProto[] {
  return model.graph?.node.filter((node) => node.opType === opType) ?? [];
}

export const DATA_TYPE_NAMES: Record<number, string> = {
  [TensorProto_DataType.FLOAT]: 'float32',
  [TensorProto_DataType.INT8]: 'int8',
  [TensorProto_DataType.UINT8]: 'uint8',
  [TensorProto_DataType.INT16]: 'int16',
  [TensorProto_DataType.UINT16]: 'uint16',
  [TensorProto_DataType.INT32]: 'int32',
  [TensorProto_DataType.INT64]: 'int64',
  [TensorProto_DataType.BOOL]: 'bool',
};

/** Initializer name → [element type, dims]. */
export function initializers(model: ModelProto): Map<string, { type: string; dims: number[] }> {
  const out = new Map<string, { type: string; dims: number[] }>();
  for (const init of model.graph?.initializer ?? []) {
    out.set(init.name, { type: DATA_TYPE_NAMES[init.dataType] ?? String(init.dataType), dims: init.dims.map(Number) });
  }
  return out;
}

export function attribute(node: NodeProto, name: string): unknown {
  const attr = node.attribute.find((a) => a.name === name);
  if (!attr) return undefined;
  if (attr.ints.length > 0) return attr.ints.map(Number);
  if (attr.s.length > 0) return new TextDecoder().decode(attr.s);
  return Number(attr.i) || attr.f || 0;
}

/**
 * The float initializers that are not quantizer parameters (scales, zero points, bit widths) nor
 * shapes: weights written as float copies. A QCDQ export of a fully quantized model has none.
 */
export function floatWeights(model: ModelProto): string[] {
  const parameterUse = new Set<string>();
  for (const node of model.graph?.node ?? []) {
    if (['QuantizeLinear', 'DequantizeLinear'].includes(node.opType)) node.input.slice(1).forEach((i) => parameterUse.add(i));
    if (node.opType === 'Clip' || node.opType === 'Reshape') node.input.slice(1).forEach((i) => parameterUse.add(i));
  }
  return (model.graph?.initializer ?? [])
    .filter((init) => init.dataType === TensorProto_DataType.FLOAT && !parameterUse.has(init.name))
    .map((init) => init.name);
}
