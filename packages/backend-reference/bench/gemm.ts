/**
 * `pnpm bench:gemm`: the reference backend's matrix work and fake quantization under both
 * implementations (JS: gemm and fake quantization in JavaScript; wasm: both in WebAssembly SIMD),
 * beside PyTorch (tooling/bench/python/torch_baseline.py, one thread) measured in the same run.
 * Figures are medians of wall time, and of this process's CPU time, which other processes sharing
 * the cores disturb less; the load average is printed with them.
 * `--rounds N` (default 5) times each figure N times, alternating implementations, and reports
 * the median of the rounds' medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as P from '@parvus/core';
import '../src/index.js';
import type { GemmImplementation } from '../src/impl/gemm.js';
import { setGemmImplementation } from '../src/impl/gemm.js';
import { wasmGemmAvailable } from '../src/impl/gemm-wasm.js';
import { setElementwiseImplementation } from '../src/impl/elementwise.js';
import { wasmFakeQuantizeAvailable } from '../src/impl/fake-quantize-wasm.js';

const BATCH = 64;

interface Bench {
  name: string;
  /** The torch_baseline.py figure it compares with. */
  torch?: string;
  /** The bar this figure has to meet, where there is one. */
  target?: string;
  run: () => void;
  dispose: () => void;
  runs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Timing {
  /** Wall-clock ms. */
  wall: number;
  /** CPU ms of this process: less sensitive than wall time to other processes taking the cores. */
  cpu: number;
}

/** Median wall and CPU ms of `runs` calls after two warm-up calls. */
function time(fn: () => void, runs: number): Timing {
  fn();
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function matmulBench(): Bench {
  const generator = new P.Generator(1);
  const a = P.keep(P.randn([512, 512], { generator }));
  const b = P.keep(P.randn([512, 512], { generator }));
  return {
    name: 'matmul 512×512×512',
    run: () => P.tidy(() => void P.matmul(a, b).dataSync()),
    dispose: () => { a.dispose(); b.dispose(); },
    runs: 5,
  };
}

function convBench(): Bench {
  const generator = new P.Generator(2);
  const x = P.keep(P.randn([1, 64, 56, 56], { generator }));
  const w = P.keep(P.randn([64, 64, 3, 3], { generator }));
  return {
    name: 'conv 1×64×56×56 3×3 64→64 pad 1, forward',
    torch: 'conv_64x56x56_ms',
    target: '≤ 40× torch',
    run: () => P.tidy(() => void P.conv2d(x, w, null, { padding: 1 }).dataSync()),
    dispose: () => { x.dispose(); w.dispose(); },
    runs: 7,
  };
}

/** P.fakeQuantize of 2^20 standard normal floats, int8, as torch_baseline.py's fake_quant_1M_ms. */
function fakeQuantizeBench(): Bench {
  const x = P.keep(P.randn([1 << 20], { generator: new P.Generator(3) }));
  return {
    name: 'fakeQuantize 1M (int8, scale 0.05)',
    torch: 'fake_quant_1M_ms',
    target: '≤ 1.0× torch',
    run: () => P.tidy(() => void P.fakeQuantize(x, 0.05, 0, -128, 127)),
    dispose: () => x.dispose(),
    runs: 25,
  };
}

/** Brevitas's QuantIdentity (Int8ActPerTensorFloat) in eval mode on 2^20 floats. */
function quantIdentityBench(): Bench {
  const x = P.keep(P.randn([1 << 20], { generator: new P.Generator(4) }));
  const layer = new P.QuantIdentity();
  layer.eval();
  return {
    name: 'QuantIdentity eval 1M (Int8ActPerTensorFloat)',
    torch: 'fake_quant_1M_ms',
    target: '≤ 1.0× torch',
    run: () => P.noGrad(() => P.tidy(() => void layer.forward(x))),
    dispose: () => { layer.dispose(); x.dispose(); },
    runs: 25,
  };
}

/** The fused gradient of a 4-bit activation of LeNet-5's first convolution (batch 64). */
function fakeQuantizeGradBench(): Bench {
  const generator = new P.Generator(5);
  const x = P.keep(P.randn([BATCH, 6, 24, 24], { generator }));
  const dy = P.keep(P.randn([BATCH, 6, 24, 24], { generator }));
  const s = P.keep(P.scalar(0.3));
  const zp = P.keep(P.scalar(0));
  const attrs = { quantMin: 0, quantMax: 15, straightThroughClamp: false };
  return {
    name: 'FakeQuantizeGrad [64, 6, 24, 24] (uint4)',
    run: () => P.tidy(() => void P.engine().runKernelMulti(P.FakeQuantizeGrad, [dy, x, s, zp], attrs)),
    dispose: () => { for (const t of [x, dy, s, zp]) t.dispose(); },
    runs: 25,
  };
}

/** The float LeNet-5 of tooling/bench/src/lenet5.ts. */
function floatLeNet5(generator: P.Generator): P.Module {
  return new P.Sequential(
    new P.Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, generator }),
    new P.ReLU(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, generator }),
    new P.ReLU(),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Flatten(),
    new P.Linear({ inFeatures: 256, outFeatures: 120, generator }),
    new P.ReLU(),
    new P.Linear({ inFeatures: 120, outFeatures: 84, generator }),
    new P.ReLU(),
    new P.Linear({ inFeatures: 84, outFeatures: 10, generator }),
  );
}

/** LeNet-5 with 4-bit weights and activations (8-bit input), as Brevitas's LeNet tutorials. */
function w4a4LeNet5(generator: P.Generator): P.Module {
  return new P.Sequential(
    new P.QuantIdentity({ bitWidth: 8 }),
    new P.QuantConv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, weightBitWidth: 4, generator }),
    new P.QuantReLU({ bitWidth: 4 }),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.QuantConv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, weightBitWidth: 4, generator }),
    new P.QuantReLU({ bitWidth: 4 }),
    new P.MaxPool2d({ kernelSize: 2 }),
    new P.Flatten(),
    new P.QuantLinear({ inFeatures: 256, outFeatures: 120, weightBitWidth: 4, generator }),
    new P.QuantReLU({ bitWidth: 4 }),
    new P.QuantLinear({ inFeatures: 120, outFeatures: 84, weightBitWidth: 4, generator }),
    new P.QuantReLU({ bitWidth: 4 }),
    new P.QuantLinear({ inFeatures: 84, outFeatures: 10, weightBitWidth: 4, generator }),
  );
}

/** zeroGrad, forward, cross-entropy, backward, SGD(momentum 0.9) step, loss read back; batch 64. */
function trainStepBench(name: string, build: (g: P.Generator) => P.Module, torch: string, target: string): Bench {
  const generator = new P.Generator(0);
  const model = build(generator);
  const x = P.keep(P.randn([BATCH, 1, 28, 28], { generator }));
  const y = P.keep(P.tensor(Int32Array.from({ length: BATCH }, () => generator.random() % 10), [BATCH], 'int32'));
  const optimizer = new P.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const lossFn = new P.CrossEntropyLoss();
  model.train();
  return {
    name,
    torch,
    target,
    run: () => P.tidy(() => {
      optimizer.zeroGrad();
      const loss = lossFn.forward(model.forward(x) as P.Tensor, y);
      loss.backward();
      optimizer.step();
      loss.dataSync();
    }),
    dispose: () => { optimizer.dispose(); model.dispose(); x.dispose(); y.dispose(); },
    runs: 15,
  };
}

/** A file of the workspace, found by walking up from this script (compiled or not). */
function workspaceFile(relative: string): string | undefined {
  let dir = new URL('.', import.meta.url);
  for (let depth = 0; depth < 8; depth++) {
    const candidate = new URL(relative, dir);
    if (existsSync(candidate)) return fileURLToPath(candidate);
    dir = new URL('..', dir);
  }
  return undefined;
}

function torchBaseline(): Record<string, number> | string {
  const python = '/usr/bin/python3';
  const script = workspaceFile('tooling/bench/python/torch_baseline.py');
  if (!existsSync(python) || !script) return `${python} or tooling/bench/python/torch_baseline.py missing`;
  const run = spawnSync(python, [script, '1'], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) return `torch_baseline.py failed: ${run.stderr.trim().split('\n').pop() ?? ''}`;
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

async function main(): Promise<void> {
  await P.setBackend('reference');
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 5;
  const implementations: GemmImplementation[] = wasmGemmAvailable() && wasmFakeQuantizeAvailable() ? ['js', 'wasm'] : ['js'];
  const select = (which: GemmImplementation): void => {
    setGemmImplementation(which);
    setElementwiseImplementation(which);
  };
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`node ${process.version}, load average before: ${load()}; ${rounds} rounds`);

  const benches = [
    fakeQuantizeBench(),
    quantIdentityBench(),
    fakeQuantizeGradBench(),
    matmulBench(),
    convBench(),
    trainStepBench('LeNet-5 float train step (batch 64)', floatLeNet5, 'float_train_step_ms', '≤ 42 ms (5× torch 8.5 ms)'),
    trainStepBench('LeNet-5 W4A4 QAT train step (batch 64)', w4a4LeNet5, 'fq_train_step_ms', '≤ 28.7 ms (Brevitas)'),
  ];
  const results = new Map<string, Timing[]>();
  for (let round = 0; round < rounds; round++) {
    for (const bench of benches) {
      for (const which of implementations) {
        select(which);
        const key = `${bench.name}|${which}`;
        results.set(key, [...(results.get(key) ?? []), time(bench.run, bench.runs)]);
      }
    }
  }
  for (const bench of benches) bench.dispose();
  console.log(`load average after Parvus: ${load()}; running PyTorch baseline (1 thread)…`);
  const torch = torchBaseline();
  if (typeof torch === 'string') console.log(`PyTorch baseline unavailable: ${torch}`);
  else console.log(`PyTorch ${String(torch.torch)}: ${JSON.stringify(torch)}`);

  const rows = benches.map((bench) => {
    const ms = (which: GemmImplementation, clock: keyof Timing) => median((results.get(`${bench.name}|${which}`) ?? []).map((t) => t[clock]));
    const js = ms('js', 'wall');
    const wasm = implementations.includes('wasm') ? ms('wasm', 'wall') : NaN;
    const torchMs = typeof torch === 'string' || !bench.torch ? NaN : (torch[bench.torch] as number);
    return {
      figure: bench.name,
      'js ms': js.toFixed(2),
      'wasm ms': wasm.toFixed(2),
      'js/wasm': (js / wasm).toFixed(2),
      'js cpu ms': ms('js', 'cpu').toFixed(2),
      'wasm cpu ms': implementations.includes('wasm') ? ms('wasm', 'cpu').toFixed(2) : '',
      'torch ms': Number.isNaN(torchMs) ? '' : torchMs.toFixed(2),
      'wasm × torch': Number.isNaN(torchMs) ? '' : (wasm / torchMs).toFixed(2),
      target: bench.target ?? '',
    };
  });
  console.table(rows);
  console.log(`load average at the end: ${load()}`);
}

await main();
