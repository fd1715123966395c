/**
 * @parvus/export-onnx — a trained Parvus module as a standard ONNX file: QCDQ for onnxruntime,
 * QONNX for FINN and hls4ml; and a small onnxruntime wrapper to run and time the exported model.
 */
export { exportOnnx, exportOnnxQcdq, exportQonnx } from './export.js';
export type { OnnxFormat } from './export.js';
export type { ExportOptions } from './options.js';
export { ExportError } from './errors.js';
export type { ModuleScope } from './errors.js';
export { QONNX_DOMAIN } from './qonnx/qonnx-dialect.js';
export { OnnxModel, OnnxRuntimeUnavailableError, evaluateClassifier, measureLatency } from './runtime/onnx-model.js';
export type {
  ClassifierEvaluation,
  ClassifierEvaluationOptions,
  Latency,
  LatencyOptions,
  OnnxModelOptions,
  OnnxRuntimeModule,
  OnnxRuntimeName,
} from './runtime/onnx-model.js';
