import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, UsageError, parseArgs } from '../src/cli.js';
import { parseQuantConfig, QuantConfigError } from '../src/quant-config.js';

function error(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('command line', () => {
  it('defaults, and every option in both spellings', () => {
    expect(parseArgs([])).toEqual({ help: false, options: DEFAULT_OPTIONS });
    expect(DEFAULT_OPTIONS.configs).toEqual(['float', 'w8a8', 'w4a4', 'w2a2', 'w1a4']);
    expect(parseArgs([
      '--', '--configs', 'float,W4A4, w1a2', '--input-bit-width=6', '--epochs', '3', '--qat-epochs=1', '--batch-size=32', '--lr', '0.01', '--optimizer', 'adam',
      '--qat-lr', '2e-4', '--qat-optimizer=sgd', '--schedule=step', '--seed', '7', '--shift', '0', '--float-checkpoint', 'f.safetensors', '--backend', 'tfjs', '--out', 'x/y',
    ])).toEqual({
      help: false,
      options: {
        configs: ['float', 'w4a4', 'w1a2'], inputBitWidth: 6, epochs: 3, qatEpochs: 1, batchSize: 32, lr: 0.01, optimizer: 'adam', qatLr: 2e-4, qatOptimizer: 'sgd',
        schedule: 'step', seed: 7, shift: 0, floatCheckpoint: 'f.safetensors', backend: 'tfjs', exportOnnx: true, out: 'x/y',
      },
    });
    expect(DEFAULT_OPTIONS.exportOnnx).toBe(true);
    expect(parseArgs(['--no-export', '--backend=tfjs-wasm'])).toMatchObject({ options: { exportOnnx: false, backend: 'tfjs-wasm' } });
    expect(parseArgs(['--help'])).toEqual({ help: true });
  });

  it('rejects what it cannot use, naming the option and saying why', () => {
    expect(error(['--epochs', '0'])).toMatch(/--epochs needs a positive integer, got '0'/);
    expect(error(['--qat-epochs', '1.5'])).toMatch(/--qat-epochs needs a positive integer, got '1.5'/);
    expect(error(['--lr', 'fast'])).toMatch(/--lr needs a positive number/);
    expect(error(['--qat-lr', '-1'])).toMatch(/--qat-lr needs a positive number, got '-1'/);
    expect(error(['--optimizer', 'rmsprop'])).toMatch(/--optimizer must be one of sgd, adam/);
    expect(error(['--qat-optimizer', 'lion'])).toMatch(/--qat-optimizer must be one of sgd, adam, got 'lion'/);
    expect(error(['--epochs'])).toMatch(/--epochs needs a value/);
    expect(error(['--epochs', '--lr', '1'])).toMatch(/--epochs needs a value/);
    expect(error(['--frobnicate'])).toMatch(/Unknown option '--frobnicate'[\s\S]*Usage/);
    expect(error(['--no-export=1'])).toBe("--no-export takes no value, got '--no-export=1'.");
  });

  it('checks configurations and bit widths', () => {
    expect(error(['--configs', 'w17a4,float'])).toBe("--configs: 'w17a4' has 17-bit weights: weight bit widths go from 1 (binary) to 16.");
    expect(error(['--configs', 'w4a1'])).toBe("--configs: 'w4a1' has 1-bit activations: activation bit widths go from 2 to 16.");
    expect(error(['--configs', 'w0a4'])).toMatch(/--configs: 'w0a4' has 0-bit weights/);
    expect(error(['--configs', 'int8'])).toMatch(/--configs: 'int8' is not a configuration: use 'float' or w<W>a<A>/);
    expect(error(['--configs', 'w4a4,w4a4'])).toBe("--configs lists 'w4a4' twice.");
    expect(error(['--configs', ','])).toMatch(/--configs needs at least one configuration/);
    expect(error(['--input-bit-width', '1'])).toBe("--input-bit-width needs an integer from 2 to 16, got '1'.");
    expect(error(['--input-bit-width', '8.5'])).toMatch(/--input-bit-width needs an integer from 2 to 16/);
  });

  it('parses configuration names into bit widths', () => {
    expect(parseQuantConfig('float')).toMatchObject({ name: 'float', weightBitWidth: null, actBitWidth: null, inputBitWidth: null });
    expect(parseQuantConfig('w1a4')).toEqual({ name: 'w1a4', weightBitWidth: 1, actBitWidth: 4, inputBitWidth: 8 });
    expect(parseQuantConfig('w2a2', 6)).toEqual({ name: 'w2a2', weightBitWidth: 2, actBitWidth: 2, inputBitWidth: 6 });
    expect(() => parseQuantConfig('w4a4', 1)).toThrow(QuantConfigError);
  });
});
