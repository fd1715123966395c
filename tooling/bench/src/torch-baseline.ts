/** PyTorch figures from python/torch_baseline.py, run in the same process tree as the benchmark. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TorchBaseline {
  threads: number;
  torch: string;
  float_train_step_ms: number;
  fq_train_step_ms: number;
  float_eval_batch_ms: number;
  fake_quant_1M_ms: number;
  copy_1M_ms: number;
  conv_64x56x56_ms: number;
}

const PYTHON = '/usr/bin/python3';

/** Run the baseline with one thread, or explain why it is unavailable. */
export function runTorchBaseline(): TorchBaseline | { unavailable: string } {
  const script = fileURLToPath(new URL('../python/torch_baseline.py', import.meta.url));
  if (!existsSync(PYTHON)) return { unavailable: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { unavailable: 'PyTorch is not installed (apt-get install -y python3-torch)' };
  const run = spawnSync(PYTHON, [script, '1'], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) return { unavailable: `torch_baseline.py failed: ${run.stderr.trim().split('\n').pop() ?? ''}` };
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as TorchBaseline;
}
