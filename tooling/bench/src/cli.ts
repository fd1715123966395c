/**
 * `pnpm bench [--json [file]] [--breakdown]`: kernel and training figures per installed backend,
 * the host copy floor and PyTorch's figures from the same run, with ratios; `--breakdown` adds
 * where a LeNet-5 train step spends its time, kernel by kernel.
 */
import { writeFileSync } from 'node:fs';
import * as P from '@parvus/core';
import type { Figure } from './measure.js';
import { copyFigure, kernelFigures } from './kernels.js';
import { lenet5Figures } from './lenet5.js';
import type { Breakdown } from './breakdown.js';
import { printBreakdown, trainStepBreakdown } from './breakdown.js';
import type { TorchBaseline } from './torch-baseline.js';
import { runTorchBaseline } from './torch-baseline.js';

/** Backends to try: package to import and backend names it registers. */
const BACKEND_PACKAGES: Array<{ pkg: string; backends: string[] }> = [
  { pkg: '@parvus/backend-reference', backends: ['reference'] },
];

/** Which torch figure each Parvus figure compares with. */
const TORCH_EQUIVALENT: Record<string, keyof TorchBaseline> = {
  'fakeQuantize-1M': 'fake_quant_1M_ms',
  'conv2d-64x56x56-forward': 'conv_64x56x56_ms',
  'copy-1M': 'copy_1M_ms',
  'lenet5-float-train-step': 'float_train_step_ms',
  'lenet5-float-eval-batch': 'float_eval_batch_ms',
};

/** The issues' bars: a figure may take at most this many times PyTorch's (same run, one thread). */
const TORCH_BARS: Record<string, number> = {
  'lenet5-float-train-step': 5,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonIndex = args.indexOf('--json');
  const jsonPath = jsonIndex >= 0 ? (args[jsonIndex + 1] && !args[jsonIndex + 1]?.startsWith('--') ? args[jsonIndex + 1] : 'bench.json') : null;

  const breakdown = args.includes('--breakdown');
  const breakdowns: Breakdown[] = [];

  const figures: Figure[] = [copyFigure()];
  for (const { pkg, backends } of BACKEND_PACKAGES) {
    try {
      await import(pkg);
    } catch {
      console.log(`(skipping ${pkg}: not installed)`);
      continue;
    }
    for (const backend of backends) {
      await P.setBackend(backend);
      console.log(`measuring ${backend}…`);
      figures.push(...kernelFigures(backend));
      figures.push(...lenet5Figures(backend));
      if (breakdown) breakdowns.push(trainStepBreakdown(backend));
    }
  }
  console.log('running PyTorch baseline (1 thread)…');
  const torch = runTorchBaseline();
  const copyMs = figures[0]?.medianMs ?? NaN;

  const rows = figures.map((f) => {
    const figure = f.name.split('/')[1] ?? '';
    const torchKey = TORCH_EQUIVALENT[figure];
    const torchMs = 'unavailable' in torch || !torchKey ? null : (torch[torchKey] as number);
    return {
      figure: f.name,
      'median ms': f.medianMs.toFixed(3),
      'min ms': f.minMs.toFixed(3),
      'max ms': f.maxMs.toFixed(3),
      '× copy': (f.medianMs / copyMs).toFixed(1),
      '× torch': torchMs ? (f.medianMs / torchMs).toFixed(2) : '',
    };
  });
  console.table(rows);
  if ('unavailable' in torch) console.log(`PyTorch baseline unavailable: ${torch.unavailable}`);
  else console.log(`PyTorch ${torch.torch}, ${torch.threads} thread: ${JSON.stringify(torch)}`);
  if (!('unavailable' in torch)) {
    for (const f of figures) {
      const figure = f.name.split('/')[1] ?? '';
      const bar = TORCH_BARS[figure];
      const torchKey = TORCH_EQUIVALENT[figure];
      if (bar === undefined || !torchKey) continue;
      const ratio = f.medianMs / (torch[torchKey] as number);
      console.log(`${f.name}: ${ratio.toFixed(2)}× PyTorch's ${torchKey} (bar ≤ ${bar}×): ${ratio <= bar ? 'met' : 'NOT MET'}`);
    }
  }

  for (const b of breakdowns) printBreakdown(b);

  if (jsonPath) {
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      figures: figures.map((f) => ({ name: f.name, median: f.medianMs, min: f.minMs, max: f.maxMs, runs: f.runs })),
      torch: 'unavailable' in torch ? null : torch,
      ...(breakdown ? { breakdowns } : {}),
    };
    writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${jsonPath}`);
  }
}

await main();
