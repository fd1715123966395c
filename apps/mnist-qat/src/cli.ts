/** Command-line options of the demo (`pnpm demo -- --epochs 3`). */
import type { OptimizerName, ScheduleName } from './optimization.js';
import { OPTIMIZERS, SCHEDULES } from './optimization.js';

export interface RunOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  schedule: ScheduleName;
  seed: number;
  /** Random shifts of the training images, in pixels (0: none). */
  shift: number;
  backend: string;
  /** Output folder, resolved by the caller. */
  out: string;
}

/**
 * The default run: float LeNet-5, SGD with momentum 0.9 at 0.05 decayed by a cosine over 10
 * epochs of 64-digit batches, training digits shifted by up to 2 pixels. Measured on the
 * reference backend (2 cores): 98.1–98.5% held-out accuracy over seeds 0–2, in about 1.5 minutes
 * on an idle machine (under 3 with other jobs running). Without the shifts, LeNet-5 overfits the
 * 8,000 training digits and stalls near 97.2%.
 */
export const DEFAULT_OPTIONS: Readonly<RunOptions> = Object.freeze({
  epochs: 10,
  batchSize: 64,
  lr: 0.05,
  optimizer: 'sgd',
  schedule: 'cosine',
  seed: 0,
  shift: 2,
  backend: 'reference',
  out: 'out',
});

export const USAGE = `Usage: parvus-mnist [options]

Trains a float LeNet-5 on the real MNIST digits of the \`mnist\` package (fixed 80/20 per-class split)
and writes curves, weight histograms, a safetensors checkpoint and a JSON report.

Options:
  --epochs N          passes over the training split (default ${DEFAULT_OPTIONS.epochs})
  --batch-size N      examples per step (default ${DEFAULT_OPTIONS.batchSize})
  --lr X              initial learning rate (default ${DEFAULT_OPTIONS.lr})
  --optimizer NAME    ${OPTIMIZERS.join(' | ')} (default ${DEFAULT_OPTIONS.optimizer}; sgd uses momentum 0.9)
  --schedule NAME     ${SCHEDULES.join(' | ')} learning-rate schedule per epoch (default ${DEFAULT_OPTIONS.schedule})
  --seed N            seeds the initial weights, the shuffling and the shifts (default ${DEFAULT_OPTIONS.seed})
  --shift N           shift training digits by up to N pixels at random, 0 for none (default ${DEFAULT_OPTIONS.shift})
  --backend NAME      compute backend, imported from @parvus/backend-NAME (default ${DEFAULT_OPTIONS.backend})
  --out DIR           output folder (default apps/mnist-qat/${DEFAULT_OPTIONS.out})
  --help              print this and exit`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ParsedArgs = { help: true } | { help: false; options: RunOptions };

function positiveInteger(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flag} needs a positive integer, got '${text}'.`);
  return v;
}

/** Parse `--flag value` and `--flag=value` pairs; a lone `--` (from `pnpm demo -- …`) is ignored. */
export function parseArgs(argv: readonly string[], defaults: Readonly<RunOptions> = DEFAULT_OPTIONS): ParsedArgs {
  const options: RunOptions = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      i++;
      return next;
    };
    switch (flag) {
      case '--epochs': options.epochs = positiveInteger(flag, value()); break;
      case '--batch-size': options.batchSize = positiveInteger(flag, value()); break;
      case '--lr': {
        const text = value();
        const lr = Number(text);
        if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`--lr needs a positive number, got '${text}'.`);
        options.lr = lr;
        break;
      }
      case '--optimizer': {
        const name = value();
        if (!OPTIMIZERS.includes(name as OptimizerName)) throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got '${name}'.`);
        options.optimizer = name as OptimizerName;
        break;
      }
      case '--schedule': {
        const name = value();
        if (!SCHEDULES.includes(name as ScheduleName)) throw new UsageError(`--schedule must be one of ${SCHEDULES.join(', ')}, got '${name}'.`);
        options.schedule = name as ScheduleName;
        break;
      }
      case '--seed': {
        const text = value();
        const seed = Number(text);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed needs a non-negative integer, got '${text}'.`);
        options.seed = seed;
        break;
      }
      case '--shift': {
        const text = value();
        const shift = Number(text);
        if (!Number.isInteger(shift) || shift < 0 || shift > 8) throw new UsageError(`--shift needs an integer from 0 to 8, got '${text}'.`);
        options.shift = shift;
        break;
      }
      case '--backend': options.backend = value(); break;
      case '--out': options.out = value(); break;
      default:
        throw new UsageError(`Unknown option '${arg}'.\n\n${USAGE}`);
    }
  }
  return { help: false, options };
}
