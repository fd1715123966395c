// `--backend tfjs-wasm`: the app loads @parvus/backend-tfjs (whose backends initialise
// asynchronously), trains the float and a quantized LeNet-5 on it, and exports what it trained.
// On a quarter of the data (1,999 training and 501 held-out digits), float for 3 epochs, W4A4 for 1:
// about 6 s on 2 cores (measured 92.6% float, 93.2% W4A4; the reference backend gives the same
// float accuracy).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend } from '@parvus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../src/backend.js';
import { DEFAULT_OPTIONS } from '../src/cli.js';
import { runExperiment } from '../src/experiment.js';
import type { ExperimentResult } from '../src/experiment.js';
import { loadMnist } from '../src/mnist-data.js';
import { exportAndEvaluate } from '../src/onnx-export.js';
import { parseQuantConfig } from '../src/quant-config.js';
import type { TrainingOptions } from '../src/run.js';
import { subset } from './helpers.js';

const FLOAT: TrainingOptions = { epochs: 3, batchSize: 64, lr: 3e-3, optimizer: 'adam', schedule: 'cosine', seed: 0, shift: 1 };
const QAT: TrainingOptions = { ...FLOAT, epochs: 1, lr: DEFAULT_OPTIONS.qatLr };

describe('on tfjs-wasm', () => {
  let folder = '';
  let result: ExperimentResult | null = null;

  beforeAll(async () => {
    await expect(loadBackend('tfjs-wasm')).resolves.toBe('tfjs-wasm');
    folder = await mkdtemp(join(tmpdir(), 'parvus-mnist-tfjs-'));
  });

  afterAll(async () => {
    for (const run of result ? [result.float, ...result.quantized] : []) run.model.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('trains the float model and fine-tunes W4A4 from it to sensible accuracies, with flat memory', async () => {
    expect(getBackend()).toBe('tfjs-wasm');
    const live = new Map<string, number[]>();
    result = await runExperiment({ float: FLOAT, qat: QAT, configs: [parseQuantConfig('w4a4')] }, {
      onConfigStart: (config) => {
        const counts: number[] = [];
        live.set(config.name, counts);
        return { onStep: (_epoch, _info, liveTensors) => counts.push(liveTensors) };
      },
    }, subset(loadMnist(), 4));
    const { float, quantized: [w4a4] } = result;
    expect(float.backend).toBe('tfjs-wasm');
    expect(w4a4?.backend).toBe('tfjs-wasm');
    for (const run of [float, w4a4!]) expect(run.stepLosses.every(Number.isFinite)).toBe(true);
    expect(float.epochs[1]!.trainLoss).toBeLessThan(float.epochs[0]!.trainLoss);
    expect(float.finalTestAccuracy).toBeGreaterThan(0.9);
    expect(w4a4!.ptqTestAccuracy).toBeGreaterThan(0.85);
    expect(w4a4!.finalTestAccuracy).toBeGreaterThan(0.9);
    // After the first step (gradients, optimizer state), the live tensor count stays put.
    for (const counts of live.values()) expect(new Set(counts.slice(1))).toEqual(new Set([counts[0]]));
  }, 120_000);

  it('exports the W4A4 model trained there, which onnxruntime runs to the same predictions', async () => {
    const w4a4 = result!.quantized[0]!;
    const exported = await exportAndEvaluate(w4a4, folder);
    expect(getBackend()).toBe('tfjs-wasm');
    expect(exported).toMatchObject({ backend: 'tfjs-wasm', testExamples: 501, frameworkTestAccuracy: w4a4.finalTestAccuracy });
    // At most one disagreement per 1,000 digits (the 0.1-point bar): 501 digits allow none.
    expect(exported.disagreements).toBe(0);
    expect(exported.testAccuracy).toBe(w4a4.finalTestAccuracy);
  }, 60_000);
});
