/**
 * `--breakdown`: where a LeNet-5 train step spends its time, per kernel. Every kernel of the
 * backend is re-registered (through core's public registry) wrapped in a timer for the duration
 * of the measurement, then restored. What is not inside a kernel is the engine, autograd and
 * core's ops (and, for asynchronous backends, kernel time is dispatch time only).
 */
import * as P from '@parvus/core';
import type { LeNet5Variant } from './lenet5.js';
import { COLLECT_STATS_STEPS, createLeNet5Bench } from './lenet5.js';

export interface KernelShare {
  kernel: string;
  /** Milliseconds per train step. */
  msPerStep: number;
  callsPerStep: number;
  share: number;
}

export interface Breakdown {
  backend: string;
  variant: LeNet5Variant;
  steps: number;
  msPerStep: number;
  kernels: KernelShare[];
  /** Time outside every kernel (engine, autograd, ops), per step. */
  outsideKernelsMsPerStep: number;
}

export function trainStepBreakdown(backend: string, steps = 20, variant: LeNet5Variant = 'float'): Breakdown {
  const names = P.getKernelsForBackend(backend);
  const originals = new Map<string, P.KernelFunc<never>>();
  const time = new Map<string, number>();
  const calls = new Map<string, number>();
  let depth = 0; // a kernel that calls another is timed once, as itself
  for (const name of names) {
    const original = P.getKernel(name, backend) as P.KernelFunc<never>;
    originals.set(name, original);
    P.unregisterKernel(name, backend);
    P.registerKernel({
      kernelName: name,
      backendName: backend,
      kernelFunc: ((args: P.KernelArgs<never>) => {
        if (depth > 0) return original(args);
        depth++;
        const t0 = performance.now();
        try {
          return original(args);
        } finally {
          depth--;
          time.set(name, (time.get(name) ?? 0) + performance.now() - t0);
          calls.set(name, (calls.get(name) ?? 0) + 1);
        }
      }) as P.KernelFunc<never>,
    });
  }
  const bench = createLeNet5Bench(0, variant);
  try {
    // Past the W4A4 model's activation statistics: the steady state is timed.
    for (let i = 0; i < (variant === 'w4a4' ? COLLECT_STATS_STEPS + 3 : 3); i++) bench.trainStep();
    time.clear();
    calls.clear();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) bench.trainStep();
    const total = performance.now() - t0;
    const inKernels = [...time.values()].reduce((a, b) => a + b, 0);
    const kernels = [...time.entries()]
      .map(([kernel, ms]) => ({ kernel, msPerStep: ms / steps, callsPerStep: (calls.get(kernel) ?? 0) / steps, share: ms / total }))
      .sort((a, b) => b.msPerStep - a.msPerStep);
    return { backend, variant, steps, msPerStep: total / steps, kernels, outsideKernelsMsPerStep: (total - inKernels) / steps };
  } finally {
    bench.dispose();
    for (const [name, original] of originals) {
      P.unregisterKernel(name, backend);
      P.registerKernel({ kernelName: name, backendName: backend, kernelFunc: original });
    }
  }
}

export function printBreakdown(b: Breakdown): void {
  console.log(`${b.backend}/lenet5-${b.variant}-train-step by kernel (${b.steps} steps, ${b.msPerStep.toFixed(1)} ms per step with timers):`);
  const rows = b.kernels.map((k) => ({
    kernel: k.kernel,
    'ms/step': k.msPerStep.toFixed(2),
    'calls/step': k.callsPerStep.toFixed(0),
    share: `${(100 * k.share).toFixed(1)}%`,
  }));
  rows.push({
    kernel: '(outside kernels: engine, autograd, ops)',
    'ms/step': b.outsideKernelsMsPerStep.toFixed(2),
    'calls/step': '',
    share: `${((100 * b.outsideKernelsMsPerStep) / b.msPerStep).toFixed(1)}%`,
  });
  console.table(rows);
}
