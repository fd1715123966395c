// The built command line (turbo builds before testing): help, and the errors a user can hit first.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('parvus-mnist', () => {
  it('prints its options with --help', () => {
    const { status, stdout } = run('--', '--help');
    expect(status).toBe(0);
    for (const flag of ['--configs', '--input-bit-width', '--epochs', '--qat-epochs', '--batch-size', '--lr', '--optimizer', '--qat-lr', '--qat-optimizer', '--schedule', '--seed', '--shift', '--float-checkpoint', '--backend', '--no-export', '--out']) {
      expect(stdout).toContain(flag);
    }
  });

  it('explains a backend that is not installed, listing those that are, and exits with status 2', () => {
    const { status, stderr } = run('--backend', 'webgpu-nope');
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /^error: Backend 'webgpu-nope' is not available: the package @parvus\/backend-webgpu-nope is not installed for @parvus\/mnist-qat \(nor @parvus\/backend-webgpu, of which it could be a flavour\)\. Available: .*'reference'/,
    );
  });

  it('explains a backend flavour its package does not register, listing those it does', () => {
    const { status, stderr } = run('--backend', 'tfjs-nope');
    expect(status).toBe(2);
    expect(stderr).toMatch(/^error: @parvus\/backend-tfjs was imported but registered no backend named 'tfjs-nope'\. Registered backends: .*'tfjs-wasm'/);
  });

  it('rejects a bad bit width naming the option, and exits with status 2', () => {
    const { status, stderr } = run('--configs', 'float,w4a1');
    expect(status).toBe(2);
    expect(stderr.trim()).toBe("error: --configs: 'w4a1' has 1-bit activations: activation bit widths go from 2 to 16.");
    expect(run('--input-bit-width', '0').stderr.trim()).toBe("error: --input-bit-width needs an integer from 2 to 16, got '0'.");
  });

  it('explains a float checkpoint it cannot use', () => {
    const { status, stderr } = run('--float-checkpoint', 'no/such/file.safetensors', '--out', '/tmp/parvus-mnist-never-written');
    expect(status).toBe(2);
    expect(stderr).toMatch(/^error: Cannot read the checkpoint 'no\/such\/file.safetensors'/);
  });

  it('rejects an unknown option with the usage', () => {
    const { status, stderr } = run('--epoch', '3');
    expect(status).toBe(2);
    expect(stderr).toContain("Unknown option '--epoch'");
    expect(stderr).toContain('Usage: parvus-mnist');
  });
});
