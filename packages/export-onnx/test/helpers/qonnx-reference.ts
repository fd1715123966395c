/**
 * The QONNX operators' definitions (qonnx docs: Quant / IntQuant v1, BipolarQuant v1, Trunc v2)
 * written as standard ONNX nodes, so that onnxruntime can run an exported QONNX model and the tests
 * can compare it with Parvus. Independent of the exporter: it reads only the QONNX graph.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  TensorProto_DataType,
} from 'onnx-buf';
import type { ModelProto, NodeProto, TensorProto } from 'onnx-buf';
import { decode } from './model-proto.js';

const QONNX_DOMAIN = 'qonnx.custom_op.general';

function floatValues(init: TensorProto): Float32Array {
  const raw = init.rawData;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function attributeOf(node: NodeProto, name: string): string | number | null {
  const attr = node.attribute.find((a) => a.name === name);
  if (!attr) return null;
  return attr.type === AttributeProto_AttributeType.STRING ? new TextDecoder().decode(attr.s) : Number(attr.i);
}

function intRange(signed: boolean, narrow: boolean, bitWidth: number): [number, number] {
  if (signed) return [-(2 ** (bitWidth - 1)) + (narrow ? 1 : 0), 2 ** (bitWidth - 1) - 1];
  return [0, 2 ** bitWidth - (narrow ? 2 : 1)];
}

const ROUNDING: Record<string, string> = { ROUND: 'Round', FLOOR: 'Floor', CEIL: 'Ceil' };

/** The model with every QONNX node replaced by its definition in standard operators. */
export function qonnxToStandardOnnx(bytes: Uint8Array): Uint8Array {
  const model: ModelProto = decode(bytes);
  const graph = model.graph!;
  const inits = new Map(graph.initializer.map((i) => [i.name, i]));
  const nodes: NodeProto[] = [];
  let counter = 0;
  const fresh = (hint: string): string => `qonnx_ref_${hint}_${counter++}`;
  const scalar = (value: number): string => {
    const name = fresh('const');
    const tensor = create(TensorProtoSchema, { name, dims: [], dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(Float32Array.of(value).buffer) });
    graph.initializer.push(tensor);
    return name;
  };
  const op = (opType: string, inputs: string[], output = fresh(opType)): string => {
    nodes.push(create(NodeProtoSchema, { opType, input: inputs, output: [output] }));
    return output;
  };
  const constantNumber = (name: string): number => floatValues(inits.get(name)!)[0] as number;

  for (const node of graph.node) {
    if (node.domain !== QONNX_DOMAIN) {
      nodes.push(node);
      continue;
    }
    const out = node.output[0]!;
    if (node.opType === 'Quant') {
      const [x, scale, zeroPoint, bitWidth] = node.input as [string, string, string, string];
      const [lo, hi] = intRange(attributeOf(node, 'signed') === 1, attributeOf(node, 'narrow') === 1, constantNumber(bitWidth));
      const rounding = ROUNDING[attributeOf(node, 'rounding_mode') as string]!;
      // y = (round(clamp(x / scale + zeropt)) − zeropt) · scale
      const clamped = op('Clip', [op('Add', [op('Div', [x, scale]), zeroPoint]), scalar(lo), scalar(hi)]);
      op('Mul', [op('Sub', [op(rounding, [clamped]), zeroPoint]), scale], out);
    } else if (node.opType === 'BipolarQuant') {
      const [x, scale] = node.input as [string, string];
      // +scale where x ≥ 0, −scale elsewhere
      op('Mul', [op('Where', [op('GreaterOrEqual', [x, scalar(0)]), scalar(1), scalar(-1)]), scale], out);
    } else if (node.opType === 'Trunc') {
      const [x, scale, zeroPoint, , outputScale, outputBitWidth] = node.input as [string, string, string, string, string, string];
      const [lo, hi] = intRange(attributeOf(node, 'signed') === 1, attributeOf(node, 'narrow') === 1, constantNumber(outputBitWidth));
      const rounding = ROUNDING[attributeOf(node, 'rounding_mode') as string]!;
      const truncScale = 2 ** Math.round(Math.log2(constantNumber(outputScale) / constantNumber(scale)));
      const y = op('Div', [op('Round', [op('Add', [op('Div', [x, scale]), zeroPoint])]), scalar(truncScale)]);
      const rounded = op(rounding, [op('Clip', [y, scalar(lo), scalar(hi)])]);
      op('Mul', [op('Sub', [rounded, op('Div', [zeroPoint, scalar(truncScale)])]), outputScale], out);
    } else {
      throw new Error(`unknown QONNX operator ${node.opType}`);
    }
  }
  graph.node = nodes;
  model.opsetImport = model.opsetImport.filter((o) => o.domain !== QONNX_DOMAIN);
  // Bit widths and other QONNX-only inputs stay as unused initializers; onnxruntime ignores them.
  return toBinary(ModelProtoSchema, model);
}
