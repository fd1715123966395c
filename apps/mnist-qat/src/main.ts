#!/usr/bin/env node
/**
 * The main job: LeNet-5 on real MNIST digits, with a progress bar per epoch, the held-out
 * accuracy after each, and curves, weight histograms, a checkpoint and a report written to
 * --out (default apps/mnist-qat/out). Float for now; quantization-aware as the quant layers land.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendLoadError, loadBackend } from './backend.js';
import { DEFAULT_OPTIONS, USAGE, UsageError, parseArgs } from './cli.js';
import { writeOutputs } from './outputs.js';
import { ProgressBar, formatSeconds } from './progress.js';
import { trainLeNet5 } from './run.js';

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
  await loadBackend(options.backend);
  const { backend: _backend, out: _out, ...training } = options;
  console.log(`Parvus · float LeNet-5 on MNIST · ${JSON.stringify(training)}`);
  let bar: ProgressBar | null = null;
  const run = await trainLeNet5(training, {
    onStart: (info) => console.log(`${info.backend} backend · ${info.parameters} parameters · ${info.trainExamples} training and ${info.testExamples} held-out digits (fixed 80/20 per-class split)`),
    onEpochStart: (epoch, steps) => {
      bar = new ProgressBar(`epoch ${epoch}/${options.epochs}`, steps, 'step');
    },
    onStep: (_epoch, info) => {
      bar?.update(info.step, { loss: info.loss.toFixed(4), acc: `${(100 * info.accuracy).toFixed(1)}%` });
    },
    onEpochEnd: (e) => {
      console.log(
        `epoch ${e.epoch}: lr ${e.lr.toPrecision(3)} · train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)}% · ` +
          `test loss ${e.testLoss.toFixed(4)} acc ${(100 * e.testAccuracy).toFixed(2)}% · ${e.stepsPerSecond.toFixed(1)} steps/s`,
      );
    },
  });
  const written = await writeOutputs(run, out);
  run.model.dispose();
  const t = run.timings;
  const shown = relative(process.cwd(), written.folder) || '.';
  console.log(`wrote ${shown}/: report.json, curves.svg, lenet5.safetensors, ${written.histograms.length} weight histograms`);
  console.log(`time ${formatSeconds(t.totalSeconds)} (training ${t.trainSeconds.toFixed(1)} s at ${t.stepsPerSecond.toFixed(1)} steps/s, ${t.meanStepMs.toFixed(1)} ms/step; evaluation ${t.evalSeconds.toFixed(1)} s)`);
  console.log(`final test accuracy: ${(100 * run.finalTestAccuracy).toFixed(2)}% (${Math.round(run.finalTestAccuracy * run.test.length)}/${run.test.length})`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof BackendLoadError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
