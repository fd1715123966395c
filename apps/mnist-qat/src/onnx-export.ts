/**
 * The trained model as ONNX, and what it does there: each configuration is exported as QCDQ ONNX
 * (the quantized ONNX that onnxruntime runs) and, when quantized, as QONNX (for FINN and hls4ml),
 * beside its checkpoint. The QCDQ model then classifies the held-out split in onnxruntime-web
 * (wasm, one thread) batch by batch, interleaved with Parvus's own eval forward on the same batch,
 * so that the accuracies are compared digit by digit and the two times per batch are taken under
 * the same machine load.
 */
import { join } from 'node:path';
import { noGrad, tensor, tidy } from '@parvus/core';
import type { Tensor } from '@parvus/core';
import { OnnxModel, exportOnnxQcdq, exportQonnx } from '@parvus/export-onnx';
import { IMAGE_SIZE, PIXELS } from './mnist-data.js';
import type { MnistDataset } from './mnist-dataset.js';
import type { LeNet5 } from './model.js';
import { isQuantized } from './quant-config.js';
import type { TrainingRun } from './run.js';

export const ONNX_FILE = 'lenet5.onnx';
export const QONNX_FILE = 'lenet5.qonnx.onnx';
/** onnxruntime as the exported model runs here. */
export const ONNX_RUNTIME = 'onnxruntime-web wasm, 1 thread';
/** Digits per timed batch, as torch_baseline.py's float_eval_batch_ms. */
export const LATENCY_BATCH_SIZE = 64;
/** Largest |exported − Parvus| held-out accuracy, in points, that the export bar allows. */
export const EXPORT_ACCURACY_BAR_POINTS = 0.1;

/** Untimed batches before the timed pass: V8 optimises onnxruntime's WebAssembly after a few dozen runs. */
const ONNX_WARMUP = 50;
const PARVUS_WARMUP = 3;

export interface ExportedModel {
  /** The QCDQ model, relative to the output folder. */
  qcdq: string;
  /** The QONNX model (quantized configurations), relative to the output folder. */
  qonnx: string | null;
  modelBytes: { qcdq: number; qonnx: number | null };
  runtime: string;
  testExamples: number;
  /** Held-out accuracy of the QCDQ model in onnxruntime. */
  testAccuracy: number;
  /** Held-out accuracy of the same model in Parvus (the run's final evaluation). */
  frameworkTestAccuracy: number;
  /** testAccuracy − frameworkTestAccuracy, in points. */
  deltaPoints: number;
  /** Held-out digits whose predicted class differs between onnxruntime and Parvus. */
  disagreements: number;
  batchSize: number;
  /** Median time of a full batch through onnxruntime: images in, logits out. */
  onnxBatchMs: number;
  /** The same through Parvus's eval forward (no gradients) on `backend`, timed on the same batches. */
  frameworkBatchMs: number;
  backend: string;
  /** Exporting both formats and the evaluation. */
  seconds: number;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The class with the highest logit of each row of `logits` [rows, classes], into `into` from `offset`. */
function argmaxRows(logits: ArrayLike<number>, rows: number, into: Int32Array, offset: number): void {
  const classes = logits.length / rows;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((logits[r * classes + c] as number) > (logits[r * classes + best] as number)) best = c;
    into[offset + r] = best;
  }
}

/** Parvus's logits for a batch of images, read back to the host. */
async function parvusLogits(model: LeNet5, images: Float32Array, count: number): Promise<ArrayLike<number>> {
  const input = tensor(images, [count, 1, IMAGE_SIZE, IMAGE_SIZE]);
  const logits = noGrad(() => tidy(() => model.forward(input) as Tensor));
  try {
    return await logits.data();
  } finally {
    input.dispose();
    logits.dispose();
  }
}

/**
 * Export `run`'s model into `folder` (`lenet5.onnx`, and `lenet5.qonnx.onnx` when quantized), run
 * the QCDQ model on the run's held-out split in onnxruntime, and compare it with Parvus. `prefix`
 * is the folder's path relative to the output folder, for the report.
 */
export async function exportAndEvaluate(run: TrainingRun, folder: string, prefix: string = run.config.name): Promise<ExportedModel> {
  const start = performance.now();
  const { model, test } = run;
  const wasTraining = model.training;
  // The sample only fixes the input's shape and dtype: the batch axis stays symbolic.
  const sample = tensor(test.images.slice(0, 2 * PIXELS), [2, 1, IMAGE_SIZE, IMAGE_SIZE]);
  let qcdq: Uint8Array;
  let qonnx: Uint8Array | null = null;
  try {
    qcdq = await exportOnnxQcdq(model, sample, { file: join(folder, ONNX_FILE), modelName: `LeNet-5 ${run.config.name}` });
    if (isQuantized(run.config)) qonnx = await exportQonnx(model, sample, { file: join(folder, QONNX_FILE), modelName: `LeNet-5 ${run.config.name}` });
  } finally {
    sample.dispose();
  }
  const onnx = await OnnxModel.load(qcdq, { runtime: 'wasm', numThreads: 1 });
  model.eval();
  try {
    const compared = await compareOnHeldOut(model, onnx, test);
    const testAccuracy = compared.onnxCorrect / test.length;
    return {
      qcdq: `${prefix}/${ONNX_FILE}`,
      qonnx: qonnx ? `${prefix}/${QONNX_FILE}` : null,
      modelBytes: { qcdq: qcdq.length, qonnx: qonnx?.length ?? null },
      runtime: ONNX_RUNTIME,
      testExamples: test.length,
      testAccuracy,
      frameworkTestAccuracy: run.finalTestAccuracy,
      deltaPoints: 100 * (testAccuracy - run.finalTestAccuracy),
      disagreements: compared.disagreements,
      batchSize: LATENCY_BATCH_SIZE,
      onnxBatchMs: compared.onnxBatchMs,
      frameworkBatchMs: compared.frameworkBatchMs,
      backend: run.backend,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    model.train(wasTraining);
    await onnx.release();
  }
}

interface Comparison {
  onnxCorrect: number;
  disagreements: number;
  onnxBatchMs: number;
  frameworkBatchMs: number;
}

/** Both models over the held-out split in batches of LATENCY_BATCH_SIZE, each batch through Parvus and then onnxruntime. */
async function compareOnHeldOut(model: LeNet5, onnx: OnnxModel, test: MnistDataset): Promise<Comparison> {
  const total = test.length;
  const batch = Math.min(LATENCY_BATCH_SIZE, total);
  const first = test.images.subarray(0, batch * PIXELS);
  for (let i = 0; i < ONNX_WARMUP; i++) await onnx.run(first, [batch, 1, IMAGE_SIZE, IMAGE_SIZE]);
  for (let i = 0; i < PARVUS_WARMUP; i++) await parvusLogits(model, first, batch);
  const parvus = new Int32Array(total);
  const exported = new Int32Array(total);
  const parvusTimes: number[] = [];
  const onnxTimes: number[] = [];
  for (let start = 0; start < total; start += LATENCY_BATCH_SIZE) {
    const count = Math.min(LATENCY_BATCH_SIZE, total - start);
    const images = test.images.subarray(start * PIXELS, (start + count) * PIXELS);
    const t0 = performance.now();
    const parvusOut = await parvusLogits(model, images, count);
    const t1 = performance.now();
    const onnxOut = await onnx.run(images, [count, 1, IMAGE_SIZE, IMAGE_SIZE]);
    const t2 = performance.now();
    if (count === LATENCY_BATCH_SIZE) {
      parvusTimes.push(t1 - t0);
      onnxTimes.push(t2 - t1);
    }
    argmaxRows(parvusOut, count, parvus, start);
    argmaxRows(onnxOut, count, exported, start);
  }
  let onnxCorrect = 0;
  let disagreements = 0;
  for (let i = 0; i < total; i++) {
    if (exported[i] === test.labels[i]) onnxCorrect++;
    if (exported[i] !== parvus[i]) disagreements++;
  }
  return { onnxCorrect, disagreements, onnxBatchMs: median(onnxTimes), frameworkBatchMs: median(parvusTimes) };
}
