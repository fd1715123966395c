/** Command-line options of the demo (`pnpm demo -- --configs float,w4a4 --qat-epochs 3`). */
import type { OptimizerName, ScheduleName } from './optimization.js';
import { OPTIMIZERS, SCHEDULES } from './optimization.js';
import { ACT_BIT_WIDTH_RANGE, DEFAULT_CONFIGS, INPUT_BIT_WIDTH_RANGE, QuantConfigError, WEIGHT_BIT_WIDTH_RANGE, parseQuantConfig } from './quant-config.js';

export interface RunOptions {
  /** Configurations to run: 'float' and w<W>a<A> names (the float model always runs first). */
  configs: string[];
  /** Epochs of the float model. */
  epochs: number;
  /** Epochs of quantization-aware fine-tuning per quantized configuration. */
  qatEpochs: number;
  batchSize: number;
  /** Initial learning rate of the float model. */
  lr: number;
  optimizer: OptimizerName;
  /** Initial learning rate of quantization-aware fine-tuning. */
  qatLr: number;
  qatOptimizer: OptimizerName;
  /** Learning-rate schedule of every run (over its own epochs). */
  schedule: ScheduleName;
  seed: number;
  /** Random shifts of the training images, in pixels (0: none). */
  shift: number;
  /** Bit width of the input quantizer of quantized configurations. */
  inputBitWidth: number;
  /** Load the float model from this checkpoint instead of training it. */
  floatCheckpoint: string | null;
  backend: string;
  /** Export each trained model to ONNX and evaluate it in onnxruntime beside Parvus. */
  exportOnnx: boolean;
  /** Output folder, resolved by the caller. */
  out: string;
}

/**
 * The default run: the float LeNet-5 (SGD with momentum 0.9 at 0.05 decayed by a cosine over 10
 * epochs of 64-digit batches, training digits shifted by up to 2 pixels), then each quantized
 * configuration fine-tuned from it for 2 epochs (Adam at 0.0005, cosine). Measured times and
 * accuracies are in the README.
 */
export const DEFAULT_OPTIONS: Readonly<RunOptions> = Object.freeze({
  configs: [...DEFAULT_CONFIGS],
  epochs: 10,
  qatEpochs: 2,
  batchSize: 64,
  lr: 0.05,
  optimizer: 'sgd',
  qatLr: 0.0005,
  qatOptimizer: 'adam',
  schedule: 'cosine',
  seed: 0,
  shift: 2,
  inputBitWidth: 8,
  floatCheckpoint: null,
  backend: 'reference',
  exportOnnx: true,
  out: 'out',
});

export const USAGE = `Usage: parvus-mnist [options]

Trains LeNet-5 on the real MNIST digits of the \`mnist\` package (fixed 80/20 per-class split): the
float model first, then each quantized configuration fine-tuned from it (quantization-aware
training). Prints a table of float vs quantized accuracy and writes a JSON report, an accuracy
chart, loss and accuracy curves, weight histograms against each quantization grid and a
safetensors checkpoint per configuration. Each trained model is also exported to ONNX (QCDQ, and
QONNX when quantized) and run on the held-out digits in onnxruntime-web: its accuracy and time per
batch of 64 are reported beside Parvus's.

Options:
  --configs LIST         comma-separated: float and w<W>a<A>, W-bit weights (${WEIGHT_BIT_WIDTH_RANGE[0]}: binary, up to ${WEIGHT_BIT_WIDTH_RANGE[1]})
                         and A-bit activations (${ACT_BIT_WIDTH_RANGE[0]} to ${ACT_BIT_WIDTH_RANGE[1]}) (default ${DEFAULT_OPTIONS.configs.join(',')})
  --input-bit-width N    bit width of the quantized input, ${INPUT_BIT_WIDTH_RANGE[0]} to ${INPUT_BIT_WIDTH_RANGE[1]} (default ${DEFAULT_OPTIONS.inputBitWidth})
  --epochs N             epochs of the float model (default ${DEFAULT_OPTIONS.epochs})
  --qat-epochs N         epochs of quantization-aware fine-tuning per quantized configuration (default ${DEFAULT_OPTIONS.qatEpochs})
  --batch-size N         examples per step (default ${DEFAULT_OPTIONS.batchSize})
  --lr X                 initial learning rate of the float model (default ${DEFAULT_OPTIONS.lr})
  --optimizer NAME       ${OPTIMIZERS.join(' | ')} for the float model (default ${DEFAULT_OPTIONS.optimizer}; sgd uses momentum 0.9)
  --qat-lr X             initial learning rate of fine-tuning (default ${DEFAULT_OPTIONS.qatLr})
  --qat-optimizer NAME   ${OPTIMIZERS.join(' | ')} for fine-tuning (default ${DEFAULT_OPTIONS.qatOptimizer})
  --schedule NAME        ${SCHEDULES.join(' | ')} learning-rate schedule per epoch (default ${DEFAULT_OPTIONS.schedule})
  --seed N               seeds the initial weights, the shuffling and the shifts (default ${DEFAULT_OPTIONS.seed})
  --shift N              shift training digits by up to N pixels at random, 0 for none (default ${DEFAULT_OPTIONS.shift})
  --float-checkpoint F   load the float model from F (a lenet5.safetensors this app wrote) instead of training it
  --backend NAME         compute backend: reference, tfjs, tfjs-wasm, tfjs-cpu, … imported from
                         @parvus/backend-NAME or, for tfjs-wasm, @parvus/backend-tfjs (default ${DEFAULT_OPTIONS.backend})
  --no-export            do not export the models to ONNX nor evaluate them in onnxruntime
  --out DIR              output folder (default apps/mnist-qat/${DEFAULT_OPTIONS.out})
  --help                 print this and exit`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ParsedArgs = { help: true } | { help: false; options: RunOptions };

function nonNegativeInteger(flag: string, text: string, positive: boolean): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < (positive ? 1 : 0)) throw new UsageError(`${flag} needs a ${positive ? 'positive' : 'non-negative'} integer, got '${text}'.`);
  return v;
}

function positiveNumber(flag: string, text: string): number {
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${flag} needs a positive number, got '${text}'.`);
  return v;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!allowed.includes(text as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${text}'.`);
  return text as T;
}

/** Check the configuration names (bit widths included); the message names the option. */
function parseConfigs(text: string, inputBitWidth: number): string[] {
  const names = text.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n.length > 0);
  if (names.length === 0) throw new UsageError(`--configs needs at least one configuration, e.g. float,w4a4.`);
  for (const name of names) {
    try {
      parseQuantConfig(name, inputBitWidth);
    } catch (error) {
      if (error instanceof QuantConfigError) throw new UsageError(`--configs: ${error.message}`);
      throw error;
    }
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`--configs lists '${duplicate}' twice.`);
  return names;
}

/** Parse `--flag value` and `--flag=value` pairs; a lone `--` (from `pnpm demo -- …`) is ignored. */
export function parseArgs(argv: readonly string[], defaults: Readonly<RunOptions> = DEFAULT_OPTIONS): ParsedArgs {
  const options: RunOptions = { ...defaults, configs: [...defaults.configs] };
  let configsText: string | null = null;
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
      case '--configs': configsText = value(); break;
      case '--input-bit-width': {
        const text = value();
        const bits = Number(text);
        if (!Number.isInteger(bits) || bits < INPUT_BIT_WIDTH_RANGE[0] || bits > INPUT_BIT_WIDTH_RANGE[1]) {
          throw new UsageError(`--input-bit-width needs an integer from ${INPUT_BIT_WIDTH_RANGE[0]} to ${INPUT_BIT_WIDTH_RANGE[1]}, got '${text}'.`);
        }
        options.inputBitWidth = bits;
        break;
      }
      case '--epochs': options.epochs = nonNegativeInteger(flag, value(), true); break;
      case '--qat-epochs': options.qatEpochs = nonNegativeInteger(flag, value(), true); break;
      case '--batch-size': options.batchSize = nonNegativeInteger(flag, value(), true); break;
      case '--lr': options.lr = positiveNumber(flag, value()); break;
      case '--qat-lr': options.qatLr = positiveNumber(flag, value()); break;
      case '--optimizer': options.optimizer = oneOf(flag, value(), OPTIMIZERS); break;
      case '--qat-optimizer': options.qatOptimizer = oneOf(flag, value(), OPTIMIZERS); break;
      case '--schedule': options.schedule = oneOf(flag, value(), SCHEDULES); break;
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
      case '--float-checkpoint': options.floatCheckpoint = value(); break;
      case '--backend': options.backend = value(); break;
      case '--no-export':
        if (eq > 0) throw new UsageError(`--no-export takes no value, got '${arg}'.`);
        options.exportOnnx = false;
        break;
      case '--out': options.out = value(); break;
      default:
        throw new UsageError(`Unknown option '${arg}'.\n\n${USAGE}`);
    }
  }
  // Checked last: the input bit width may come after --configs.
  if (configsText !== null) options.configs = parseConfigs(configsText, options.inputBitWidth);
  return { help: false, options };
}
