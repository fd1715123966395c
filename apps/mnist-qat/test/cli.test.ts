import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, UsageError, parseArgs } from '../src/cli.js';

describe('command line', () => {
  it('defaults, and every option in both spellings', () => {
    expect(parseArgs([])).toEqual({ help: false, options: DEFAULT_OPTIONS });
    expect(parseArgs(['--', '--epochs', '3', '--batch-size=32', '--lr', '0.01', '--optimizer', 'adam', '--schedule=step', '--seed', '7', '--shift', '0', '--backend', 'tfjs', '--out', 'x/y'])).toEqual({
      help: false,
      options: { epochs: 3, batchSize: 32, lr: 0.01, optimizer: 'adam', schedule: 'step', seed: 7, shift: 0, backend: 'tfjs', out: 'x/y' },
    });
    expect(parseArgs(['--help'])).toEqual({ help: true });
  });

  it('rejects what it cannot use, saying why', () => {
    const error = (argv: string[]): string => {
      try {
        parseArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(error(['--epochs', '0'])).toMatch(/--epochs needs a positive integer, got '0'/);
    expect(error(['--lr', 'fast'])).toMatch(/--lr needs a positive number/);
    expect(error(['--optimizer', 'rmsprop'])).toMatch(/one of sgd, adam/);
    expect(error(['--epochs'])).toMatch(/--epochs needs a value/);
    expect(error(['--epochs', '--lr', '1'])).toMatch(/--epochs needs a value/);
    expect(error(['--frobnicate'])).toMatch(/Unknown option '--frobnicate'[\s\S]*Usage/);
  });
});
