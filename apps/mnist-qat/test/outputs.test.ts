// The files a run writes: the report as JSON, accuracy chart and curves as SVG, per configuration
// curves, weight histograms against the quantization grid, a safetensors checkpoint that reloads
// into a fresh model (quantizer state included) with identical logits, and the model exported as
// QCDQ ONNX (and QONNX when quantized), evaluated in onnxruntime beside Parvus.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory, noGrad, setBackend, tensor, tidy } from '@parvus/core';
import '@parvus/backend-reference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint } from '../src/checkpoint.js';
import { runExperiment } from '../src/experiment.js';
import type { ExperimentResult } from '../src/experiment.js';
import { loadMnist, PIXELS } from '../src/mnist-data.js';
import type { Mnist } from '../src/mnist-data.js';
import type { LeNet5 } from '../src/model.js';
import { ONNX_FILE, ONNX_RUNTIME, QONNX_FILE } from '../src/onnx-export.js';
import { ACCURACY_FILE, CHECKPOINT_FILE, CURVES_FILE, REPORT_FILE, WEIGHTS_FOLDER, writeOutputs } from '../src/outputs.js';
import type { Report, WrittenOutputs } from '../src/outputs.js';
import { parseQuantConfig } from '../src/quant-config.js';
import type { TrainingOptions } from '../src/run.js';
import { exportTable, resultTable } from '../src/summary.js';
import { subset } from './helpers.js';

const FLOAT: TrainingOptions = { epochs: 2, batchSize: 32, lr: 2e-3, optimizer: 'adam', schedule: 'cosine', seed: 1, shift: 1 };
const QAT: TrainingOptions = { ...FLOAT, epochs: 1, lr: 1e-3 };

function logits(model: LeNet5, images: Float32Array): Float32Array {
  model.eval();
  const x = tensor(images, [images.length / PIXELS, 1, 28, 28]);
  try {
    return noGrad(() => tidy(() => model.forward(x).dataSync() as Float32Array));
  } finally {
    x.dispose();
  }
}

describe('outputs of a (short) experiment', () => {
  let folder = '';
  let data: Mnist;
  let result: ExperimentResult;
  let written: WrittenOutputs;

  beforeAll(async () => {
    await setBackend('reference');
    folder = await mkdtemp(join(tmpdir(), 'parvus-mnist-'));
    // Every 10th digit, two float epochs and one of fine-tuning: seconds, enough to move every weight.
    data = subset(loadMnist(), 10);
    result = await runExperiment({ float: FLOAT, qat: QAT, configs: ['float', 'w4a4', 'w1a4'].map((c) => parseQuantConfig(c)) }, {}, data);
    written = await writeOutputs(result, folder);
  }, 120_000);

  afterAll(async () => {
    for (const run of result ? [result.float, ...result.quantized] : []) run.model.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes the summary and, per configuration, curves, one histogram per weighted layer, a checkpoint and the ONNX models', async () => {
    expect((await readdir(folder)).sort()).toEqual([ACCURACY_FILE, CURVES_FILE, REPORT_FILE, 'float', 'w1a4', 'w4a4'].sort());
    expect((await readdir(join(folder, 'float'))).sort()).toEqual([CHECKPOINT_FILE, CURVES_FILE, ONNX_FILE, WEIGHTS_FOLDER].sort());
    for (const config of ['float', 'w4a4', 'w1a4']) {
      if (config !== 'float') expect((await readdir(join(folder, config))).sort()).toEqual([CHECKPOINT_FILE, CURVES_FILE, ONNX_FILE, QONNX_FILE, WEIGHTS_FOLDER].sort());
      expect((await readdir(join(folder, config, WEIGHTS_FOLDER))).sort()).toEqual(['conv1.svg', 'conv2.svg', 'fc1.svg', 'fc2.svg', 'fc3.svg']);
    }
    expect(written.runs.map((r) => r.histograms.length)).toEqual([5, 5, 5]);
  });

  it('reports every configuration, its quantizers, accuracies and weight grids as JSON', async () => {
    const report = JSON.parse(await readFile(join(folder, REPORT_FILE), 'utf8')) as Report;
    expect(report.model).toBe('LeNet-5');
    expect(report.backend).toBe('reference');
    expect(report.data).toMatchObject({ trainExamples: 800, testExamples: 201 });
    expect(report.configs.map((c) => [c.config, c.weights, c.activations, c.init, c.epochs.length])).toEqual([
      ['float', 'float', 'float', 'random', 2],
      ['w4a4', '4-bit', '4-bit', 'float', 1],
      ['w1a4', 'binary', '4-bit', 'float', 1],
    ]);
    const [float, w4a4, w1a4] = report.configs as [Report['configs'][0], Report['configs'][0], Report['configs'][0]];
    expect(float.parameters).toBe(44_426);
    expect(float.deltaVsFloat).toBe(0);
    expect(float.ptqTestAccuracy).toBeNull();
    expect(w4a4.quantizers).toMatchObject({ weight: expect.stringMatching(/^Int8WeightPerTensorFloat\(bitWidth 4, scalingImplType PARAMETER/), bias: 'Int32Bias' });
    expect(w1a4.quantizers.weight).toMatch(/^SignedBinaryWeightPerTensorConst\(scalingImplType PARAMETER/);
    expect(w4a4.deltaVsFloat).toBeCloseTo(100 * (w4a4.finalTestAccuracy - float.finalTestAccuracy), 10);
    for (const c of report.configs) {
      expect(c.finalTestAccuracy).toBeGreaterThan(0.3);
      expect(c.checkpoint).toBe(`${c.config}/${CHECKPOINT_FILE}`);
    }
    expect(w4a4.ptqTestAccuracy).toBeGreaterThan(0.1);
    expect(float.layers.map((l) => [l.name, l.scale])).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3'].map((n) => [n, null]));
    for (const layer of w4a4.layers) {
      expect(layer).toMatchObject({ bitWidth: 4, levels: 15 });
      expect(layer.scale).toBeGreaterThan(0);
      expect(layer.levelsUsed).toBeGreaterThan(3);
    }
    for (const layer of w1a4.layers) expect(layer).toMatchObject({ bitWidth: 1, levels: 2, levelsUsed: 2 });
    expect(report.checks.map((c) => c.name)).toEqual(['W4A4 ≥ 97%', `Exported accuracy (QCDQ, ${ONNX_RUNTIME}) within 0.1 point of Parvus's`]);
    expect(report.machine.cpus).toBeGreaterThan(0);
  });

  it('reports the exported models beside Parvus: files, accuracy, digits that differ, time per batch', async () => {
    const report = JSON.parse(await readFile(join(folder, REPORT_FILE), 'utf8')) as Report;
    for (const c of report.configs) {
      const e = c.exported!;
      expect(e).toMatchObject({
        qcdq: `${c.config}/${ONNX_FILE}`,
        qonnx: c.config === 'float' ? null : `${c.config}/${QONNX_FILE}`,
        runtime: ONNX_RUNTIME,
        testExamples: 201,
        frameworkTestAccuracy: c.finalTestAccuracy,
        batchSize: 64,
        backend: 'reference',
      });
      expect(e.modelBytes.qcdq).toBeGreaterThan(10_000);
      expect(e.deltaPoints).toBeCloseTo(100 * (e.testAccuracy - c.finalTestAccuracy), 10);
      // Each digit classified differently moves the accuracy by at most one digit.
      expect(Math.abs(e.deltaPoints)).toBeLessThanOrEqual((100 * e.disagreements) / 201 + 1e-9);
      // A smoke test on models trained in seconds; training.test.ts holds the real W4A4 model to the 0.1-point bar.
      expect(e.disagreements).toBeLessThanOrEqual(1);
      expect(e.onnxBatchMs).toBeGreaterThan(0);
      expect(e.frameworkBatchMs).toBeGreaterThan(0);
    }
    const table = exportTable(result, new Map(written.runs.map((r) => [r.folder.split('/').at(-1)!, r.exported])));
    expect(table[0]).toMatch(/^Exported \(QCDQ ONNX in onnxruntime-web wasm, 1 thread\) vs Parvus \(reference backend\)/);
    expect(table[1]).toMatch(/^config\s+Parvus acc\s+ONNX acc\s+Δ \(pts\)\s+differing\s+Parvus batch\s+onnxruntime batch\s+ratio$/);
    expect(table.slice(3).map((row) => row.split(/\s+/)[0])).toEqual(['float', 'w4a4', 'w1a4']);
  });

  it('draws self-contained SVG: accuracy bars, curves, histograms with the quantization grid', async () => {
    const accuracy = await readFile(join(folder, ACCURACY_FILE), 'utf8');
    const curves = await readFile(join(folder, CURVES_FILE), 'utf8');
    for (const svg of [accuracy, curves]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined|href=|<image|<script/);
    }
    for (const config of ['float', 'w4a4', 'w1a4']) expect(accuracy).toContain(`>${config}</text>`);
    expect(accuracy).toContain('W 4-bit · A 4-bit');
    expect(curves).toContain('Held-out accuracy');
    const w4a4Curves = await readFile(join(folder, 'w4a4', CURVES_FILE), 'utf8');
    expect(w4a4Curves).toContain('test, before QAT (PTQ)');
    expect(w4a4Curves).toContain('float model (test)');
    const fc1 = await readFile(join(folder, 'w4a4', WEIGHTS_FOLDER, 'fc1.svg'), 'utf8');
    expect(fc1).toContain('fc1.weight [120×256]');
    expect(fc1).toContain('30720 values · mean');
    expect(fc1).toMatch(/4-bit signed narrow grid, step [0-9.e-]+: \d+\/15 levels used/);
    expect(fc1).toContain('quantized: share on each level (15 levels)');
    expect(fc1.match(/stroke-dasharray="3 3"/g)).toHaveLength(15);
    const binary = await readFile(join(folder, 'w1a4', WEIGHTS_FOLDER, 'conv2.svg'), 'utf8');
    expect(binary).toMatch(/binary ±α grid, step [0-9.e-]+: 2\/2 levels used/);
    const floatHistogram = await readFile(join(folder, 'float', WEIGHTS_FOLDER, 'fc1.svg'), 'utf8');
    expect(floatHistogram).not.toContain('grid');
  });

  it('prints a table of float vs quantized accuracy', () => {
    const table = resultTable(result);
    expect(table[0]).toMatch(/^config\s+weights\s+activations\s+input\s+test acc\s+Δ vs float \(pts\)\s+PTQ acc\s+epochs\s+time\s+step$/);
    expect(table.slice(2).map((row) => row.split(/\s+/).slice(0, 4))).toEqual([
      ['float', 'float', 'float', 'float'],
      ['w4a4', '4-bit', '4-bit', '8-bit'],
      ['w1a4', 'binary', '4-bit', '8-bit'],
    ]);
  });

  it('saves checkpoints that reload, quantizers included, into models with identical logits', async () => {
    const images = data.test.images.slice(0, 16 * PIXELS);
    for (const run of [result.float, ...result.quantized]) {
      const before = memory().numTensors;
      const { model, config, metadata } = await loadCheckpoint(join(folder, run.config.name, CHECKPOINT_FILE));
      expect(config).toEqual(run.config);
      expect(metadata).toMatchObject({ format: 'pt', model: 'LeNet-5', layers: run.config.name, backend: 'reference', seed: '1', init: run.init });
      expect(Number(metadata.testAccuracy)).toBe(run.finalTestAccuracy);
      expect([...model.stateDict().keys()]).toEqual([...run.model.stateDict().keys()]);
      expect(logits(model, images)).toEqual(logits(run.model, images));
      model.dispose();
      expect(memory().numTensors).toBe(before);
    }
  });

  it('fine-tunes from a float checkpoint instead of training one, and explains a bad checkpoint', async () => {
    const loaded = await runExperiment({ float: FLOAT, qat: QAT, configs: [], floatCheckpoint: join(folder, 'float', CHECKPOINT_FILE) }, {}, data);
    expect(loaded.float.init).toBe(join(folder, 'float', CHECKPOINT_FILE));
    expect(loaded.float.epochs).toEqual([]);
    expect(loaded.float.finalTestAccuracy).toBe(result.float.finalTestAccuracy);
    loaded.float.model.dispose();
    await expect(runExperiment({ float: FLOAT, qat: QAT, configs: [], floatCheckpoint: join(folder, 'w4a4', CHECKPOINT_FILE) }, {}, data)).rejects.toThrow(/holds a w4a4 model, not a float one/);
    await expect(loadCheckpoint(join(folder, 'nothing.safetensors'))).rejects.toThrow(CheckpointError);
  });
});
