// The files a run writes: curves and histograms as SVG, the report as JSON, and a safetensors
// checkpoint that reloads into a fresh model with identical logits.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, loadSafetensorsFile, memory, noGrad, setBackend, tensor, tidy } from '@parvus/core';
import '@parvus/backend-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, PIXELS } from '../src/mnist-data.js';
import { LeNet5 } from '../src/model.js';
import { CHECKPOINT_FILE, CURVES_FILE, REPORT_FILE, WEIGHTS_FOLDER, writeOutputs } from '../src/outputs.js';
import type { Report, WrittenOutputs } from '../src/outputs.js';
import { trainLeNet5 } from '../src/run.js';
import type { TrainingRun } from '../src/run.js';
import { subset } from './helpers.js';

describe('outputs of a (short) run', () => {
  let folder = '';
  let run: TrainingRun;
  let written: WrittenOutputs;

  beforeAll(async () => {
    await setBackend('reference');
    folder = await mkdtemp(join(tmpdir(), 'parvus-mnist-'));
    // Every 10th digit, two epochs: a few seconds, enough to move every weight.
    run = await trainLeNet5({ epochs: 2, batchSize: 32, lr: 2e-3, optimizer: 'adam', schedule: 'cosine', seed: 1, shift: 1 }, {}, subset(loadMnist(), 10));
    written = await writeOutputs(run, folder);
  });

  afterAll(async () => {
    run?.model.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes the report, the curves, one histogram per weighted layer and the checkpoint', async () => {
    expect((await readdir(folder)).sort()).toEqual([CHECKPOINT_FILE, CURVES_FILE, REPORT_FILE, WEIGHTS_FOLDER].sort());
    expect((await readdir(join(folder, WEIGHTS_FOLDER))).sort()).toEqual(['conv1.svg', 'conv2.svg', 'fc1.svg', 'fc2.svg', 'fc3.svg']);
    expect(written.histograms).toHaveLength(5);
  });

  it('reports options, per-epoch metrics, the final accuracy and timings as JSON', async () => {
    const report = JSON.parse(await readFile(join(folder, REPORT_FILE), 'utf8')) as Report;
    expect(report.model).toBe('LeNet-5');
    expect(report.layers).toBe('float');
    expect(report.parameters).toBe(44_426);
    expect(report.backend).toBe('reference');
    expect(report.options).toEqual(run.options);
    expect(report.data.trainExamples).toBe(800);
    expect(report.data.testExamples).toBe(201);
    expect(report.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of report.epochs) {
      expect(e.testAccuracy).toBeGreaterThan(0.1);
      expect(e.trainLoss).toBeGreaterThan(0);
      expect(e.stepsPerSecond).toBeGreaterThan(0);
    }
    expect(report.epochs[1]!.lr).toBeLessThan(report.epochs[0]!.lr); // cosine decay
    expect(report.finalTestAccuracy).toBe(report.epochs[1]!.testAccuracy);
    expect(report.timings.steps).toBe(2 * 25);
    expect(report.timings.stepsPerSecond).toBeCloseTo(report.timings.steps / report.timings.trainSeconds, 6);
    expect(report.timings.totalSeconds).toBeGreaterThanOrEqual(report.timings.trainSeconds + report.timings.evalSeconds);
    expect(report.checkpoint).toBe(CHECKPOINT_FILE);
  });

  it('draws self-contained SVG: curves with both panels, histograms with their statistics', async () => {
    const curves = await readFile(join(folder, CURVES_FILE), 'utf8');
    expect(curves.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(curves.trimEnd().endsWith('</svg>')).toBe(true);
    expect(curves).not.toMatch(/NaN|undefined|href=|<image|<script/);
    for (const text of ['Loss (cross-entropy)', 'Accuracy', 'train loss (each step)', 'reference backend']) expect(curves).toContain(text);
    expect(curves.match(/<path /g)?.length).toBe(5);
    const fc1 = await readFile(join(folder, WEIGHTS_FOLDER, 'fc1.svg'), 'utf8');
    expect(fc1).toContain('fc1.weight [120×256]');
    expect(fc1).toContain('30720 values · mean');
    expect(fc1.match(/<rect [^>]*><title>/g)?.length).toBeGreaterThan(20);
  });

  it('saves a checkpoint that reloads into a fresh LeNet-5 with identical logits', async () => {
    const { tensors, metadata } = await loadSafetensorsFile(join(folder, CHECKPOINT_FILE));
    expect(metadata).toMatchObject({ format: 'pt', model: 'LeNet-5', layers: 'float', backend: 'reference', epochs: '2', seed: '1' });
    expect(Number(metadata.testAccuracy)).toBe(run.finalTestAccuracy);
    expect([...tensors.keys()]).toEqual([...run.model.stateDict().keys()]);
    const fresh = new LeNet5({ generator: new Generator(99) });
    fresh.loadStateDict(tensors);
    for (const t of tensors.values()) t.dispose();
    fresh.eval();
    run.model.eval();
    const images = tensor(run.test.images.slice(0, 16 * PIXELS), [16, 1, 28, 28]);
    const [expected, actual] = noGrad(() => tidy(() => [run.model.forward(images).dataSync(), fresh.forward(images).dataSync()]));
    expect(actual).toEqual(expected);
    const before = memory().numTensors;
    fresh.dispose();
    images.dispose();
    expect(memory().numTensors).toBe(before - 10 - 1);
  });
});
