/**
 * The entry points: trace a module's forward on a sample input, lower the trace to a QCDQ or QONNX
 * graph, encode it as an ONNX ModelProto, and return the bytes (and write them to a file if asked).
 */
import type { Tensor } from '@parvus/core';
import { Module, ValueError } from '@parvus/core';
import type { Dialect } from './lower/context.js';
import { lowerTrace } from './lower/lower.js';
import type { ExportOptions } from './options.js';
import { resolveOptions } from './options.js';
import { encodeModel } from './proto/model-proto.js';
import { qcdqDialect } from './qcdq/qcdq-dialect.js';
import { qonnxDialect } from './qonnx/qonnx-dialect.js';
import type { SampleInput } from './trace/tracer.js';
import { unreadableTensors, withTrace } from './trace/tracer.js';

export type OnnxFormat = 'qcdq' | 'qonnx';

const DIALECTS: Record<OnnxFormat, Dialect> = { qcdq: qcdqDialect, qonnx: qonnxDialect };

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'dataId' in value && 'shape' in value && 'dtype' in value
    && typeof (value as { data?: unknown }).data === 'function';
}

async function sampleOf(what: string, sampleInput: unknown, dynamicBatch: boolean): Promise<SampleInput> {
  if (!isTensor(sampleInput)) {
    throw new ValueError(`${what}: sampleInput must be a Tensor (an example batch of the model's input), got ${sampleInput === null ? 'null' : typeof sampleInput}.`);
  }
  if (sampleInput.isDisposed) throw new ValueError(`${what}: sampleInput has been disposed.`);
  if (dynamicBatch && sampleInput.shape.length === 0) {
    throw new ValueError(`${what}: a rank-0 sampleInput has no batch axis; pass a batch, or { dynamicBatch: false }.`);
  }
  // data() is a fresh copy (core's contract), and the trace takes it over.
  return { values: await sampleInput.data(), shape: [...sampleInput.shape], dtype: sampleInput.dtype };
}

/** Export `module` in `format`; see exportOnnxQcdq and exportQonnx. */
export async function exportOnnx(format: OnnxFormat, module: Module, sampleInput: Tensor, options: ExportOptions = {}): Promise<Uint8Array> {
  const what = format === 'qcdq' ? 'exportOnnxQcdq' : 'exportQonnx';
  const dialect = DIALECTS[format];
  if (!dialect) throw new ValueError(`exportOnnx: format must be 'qcdq' or 'qonnx', got ${String(format)}.`);
  const resolved = resolveOptions(what, options);
  if (!(module instanceof Module)) {
    throw new ValueError(`${what}: module must be a Parvus Module, got ${module === null ? 'null' : typeof module === 'object' ? (module as object).constructor?.name ?? 'an object' : typeof module}.`);
  }
  const sample = await sampleOf(what, sampleInput, resolved.dynamicBatch);
  const moduleType = module.constructor.name || 'Module';
  const preload = await unreadableTensors(module);
  const bytes = withTrace(module, sample, (trace) => {
    const graph = lowerTrace(trace, dialect, resolved, resolved.modelName ?? moduleType, what);
    return encodeModel(graph, {
      producerName: '@parvus/export-onnx',
      producerVersion: '',
      docString: `${moduleType} exported by @parvus/export-onnx as ${format === 'qcdq' ? 'QCDQ ONNX' : 'QONNX'}.`,
      properties: { 'parvus.format': format, 'parvus.module': moduleType },
    });
  }, preload);
  if (resolved.file) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(resolved.file, bytes);
  }
  return bytes;
}

/**
 * Export a module as QCDQ ONNX, the quantized ONNX that onnxruntime runs: activation quantizers
 * become QuantizeLinear → Clip → DequantizeLinear, quantized weights and biases become integer
 * initializers through DequantizeLinear. The forward is traced once on `sampleInput` in eval mode;
 * the batch axis stays symbolic unless `dynamicBatch: false`.
 */
export function exportOnnxQcdq(module: Module, sampleInput: Tensor, options: ExportOptions = {}): Promise<Uint8Array> {
  return exportOnnx('qcdq', module, sampleInput, options);
}

/**
 * Export a module as QONNX (Quant, BipolarQuant and Trunc nodes of the qonnx.custom_op.general
 * domain), the format FINN and hls4ml read.
 */
export function exportQonnx(module: Module, sampleInput: Tensor, options: ExportOptions = {}): Promise<Uint8Array> {
  return exportOnnx('qonnx', module, sampleInput, options);
}
