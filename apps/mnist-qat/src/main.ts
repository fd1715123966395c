#!/usr/bin/env node
/**
 * The main job: LeNet-5 on real MNIST digits, float and quantization-aware. The float model trains
 * first, then each quantized configuration is fine-tuned from it, with a progress bar per epoch
 * and the held-out accuracy after each; at the end a table of float vs quantized accuracy, and a
 * report, charts, weight histograms and checkpoints written to --out (default apps/mnist-qat/out).
 */
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendLoadError, loadBackend } from './backend.js';
import { CheckpointError } from './checkpoint.js';
import { DEFAULT_OPTIONS, USAGE, UsageError, parseArgs } from './cli.js';
import { runExperiment } from './experiment.js';
import { ONNX_FILE, QONNX_FILE } from './onnx-export.js';
import { ACCURACY_FILE, CURVES_FILE, REPORT_FILE, WEIGHTS_FOLDER, writeRunOutputs, writeSummary } from './outputs.js';
import type { WrittenRun } from './outputs.js';
import { ProgressBar, formatSeconds } from './progress.js';
import { describeActivations, describeWeights, parseQuantConfig } from './quant-config.js';
import type { TrainingOptions } from './run.js';
import { exportTable, resultTable } from './summary.js';

/** The app's folder (the parent of dist/), where the default output folder goes. */
const APP_FOLDER = fileURLToPath(new URL('..', import.meta.url));

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseArgs(argv);
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const options = parsed.options;
  // The default lands in apps/mnist-qat/out wherever the demo is started; a given --out is relative to the working directory.
  const out = options.out === DEFAULT_OPTIONS.out ? resolve(APP_FOLDER, options.out) : resolve(options.out);
  const shown = (path: string): string => relative(process.cwd(), path) || '.';
  await loadBackend(options.backend);
  const common = { batchSize: options.batchSize, schedule: options.schedule, seed: options.seed, shift: options.shift };
  const floatOptions: TrainingOptions = { ...common, epochs: options.epochs, lr: options.lr, optimizer: options.optimizer };
  const qatOptions: TrainingOptions = { ...common, epochs: options.qatEpochs, lr: options.qatLr, optimizer: options.qatOptimizer };
  const configs = options.configs.map((name) => parseQuantConfig(name, options.inputBitWidth));
  console.log(
    `Parvus · LeNet-5 on MNIST · configurations ${['float', ...options.configs.filter((c) => c !== 'float')].join(', ')} · ` +
      `float: ${options.floatCheckpoint ? `loaded from ${options.floatCheckpoint}` : `${options.epochs} epochs ${options.optimizer} lr ${options.lr}`} · ` +
      `QAT: ${options.qatEpochs} epochs ${options.qatOptimizer} lr ${options.qatLr} · batch ${options.batchSize} · ${options.schedule} · seed ${options.seed} · shift ${options.shift}`,
  );
  console.log(`${options.backend} backend · ${cpus().length} CPUs, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);

  const written = new Map<string, WrittenRun>();
  let floatAccuracy: number | null = null;
  const result = await runExperiment({ float: floatOptions, qat: qatOptions, configs, floatCheckpoint: options.floatCheckpoint }, {
    onConfigStart: (config, phase, epochs) => {
      const what = config.weightBitWidth === null
        ? 'float32 weights and activations'
        : `${describeWeights(config)} weights, ${describeActivations(config)} activations, ${config.inputBitWidth}-bit input`;
      if (phase === 'load') {
        console.log(`\n── float: loading ${options.floatCheckpoint}`);
        return;
      }
      console.log(`\n── ${config.name}: ${phase === 'train' ? 'training from seeded random weights' : 'quantization-aware fine-tuning from the float model'} for ${epochs} epochs (${what})`);
      let bar: ProgressBar | null = null;
      return {
        onStart: (info) => console.log(`${info.parameters} parameters · ${info.trainExamples} training and ${info.testExamples} held-out digits (fixed 80/20 per-class split)`),
        onEpochStart: (epoch, steps) => {
          bar = new ProgressBar(`${config.name} epoch ${epoch}/${epochs}`, steps, 'step');
        },
        onStep: (_epoch, info) => {
          bar?.update(info.step, { loss: info.loss.toFixed(4), acc: `${(100 * info.accuracy).toFixed(1)}%` });
        },
        onEpochEnd: (e) => {
          console.log(
            `${config.name} epoch ${e.epoch}: lr ${e.lr.toPrecision(3)} · train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)}% · ` +
              `test loss ${e.testLoss.toFixed(4)} acc ${(100 * e.testAccuracy).toFixed(2)}% · ${e.stepsPerSecond.toFixed(1)} steps/s`,
          );
        },
      };
    },
    onConfigEnd: async (run) => {
      if (run.ptqTestAccuracy !== null) console.log(`${run.config.name}: post-training quantization (calibrated, before QAT) ${(100 * run.ptqTestAccuracy).toFixed(2)}%`);
      console.log(`${run.config.name}: test accuracy ${(100 * run.finalTestAccuracy).toFixed(2)}% (${Math.round(run.finalTestAccuracy * run.test.length)}/${run.test.length})`);
      if (run.config.weightBitWidth === null) floatAccuracy = run.finalTestAccuracy;
      // Written as each configuration ends, so an interrupted run keeps what it finished.
      const outputs = await writeRunOutputs(run, join(out, run.config.name), { floatAccuracy, exportOnnx: options.exportOnnx });
      written.set(run.config.name, outputs);
      const e = outputs.exported;
      if (e) {
        console.log(
          `${run.config.name}: exported ${ONNX_FILE}${e.qonnx ? ` (QCDQ) and ${QONNX_FILE}` : ''} in ${e.seconds.toFixed(1)} s · onnxruntime-web ${(100 * e.testAccuracy).toFixed(2)}% ` +
            `(${e.deltaPoints >= 0 ? '+' : '−'}${Math.abs(e.deltaPoints).toFixed(2)} points vs Parvus, ${e.disagreements}/${e.testExamples} digits differ) · ` +
            `${e.onnxBatchMs.toFixed(2)} ms per batch of ${e.batchSize} vs Parvus ${e.frameworkBatchMs.toFixed(2)} ms`,
        );
      }
    },
  });
  try {
    const summary = await writeSummary(result, out, written);
    console.log('');
    for (const line of resultTable(result)) console.log(line);
    const exported = exportTable(result, new Map([...written].map(([name, w]) => [name, w.exported])));
    if (exported.length > 0) console.log(['', ...exported].join('\n'));
    console.log('');
    for (const check of summary.checks) console.log(`${check.name}: ${check.detail}: ${check.met ? 'met' : 'NOT MET'}`);
    console.log(
      `wrote ${shown(summary.folder)}/: ${REPORT_FILE}, ${ACCURACY_FILE}, ${CURVES_FILE}, and per configuration ` +
        `<config>/{${CURVES_FILE}, ${WEIGHTS_FOLDER}/<layer>.svg, lenet5.safetensors${options.exportOnnx ? `, ${ONNX_FILE}, ${QONNX_FILE} (quantized)` : ''}} for ${[...written.keys()].join(', ')}`,
    );
    console.log(`total time ${formatSeconds(result.totalSeconds)} (${result.totalSeconds.toFixed(1)} s)`);
  } finally {
    for (const run of [result.float, ...result.quantized]) run.model.dispose();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof BackendLoadError || error instanceof CheckpointError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
