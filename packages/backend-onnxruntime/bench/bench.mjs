/**
 * Kernel figures of @parvus/backend-onnxruntime beside PyTorch, measured in the same run:
 *
 *   pnpm --filter @parvus/backend-onnxruntime build && node bench/bench.mjs [--threads N] [--json]
 *
 * Every figure is the median over runs of (time of a batch of calls, up to the moment the last
 * result is computed) / (calls in the batch): with kernels queued asynchronously, that is the
 * throughput a training loop sees. PyTorch comes from tooling/bench/python/torch_baseline.py
 * (1 thread) plus a 512×512 matmul timed the same way. Medians, because the machine is shared.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as P from '@parvus/core';
import * as ort from 'onnxruntime-web';
import { OnnxGraph, configureOnnxruntime } from '../dist/index.js';

const args = process.argv.slice(2);
const threadsArg = args.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(args[threadsArg + 1]) : 1;
const json = args.includes('--json');
const root = fileURLToPath(new URL('../../../', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median per-call milliseconds of `call` (which returns a tensor), `inner` calls per timed batch. */
async function measure(call, { inner = 1, runs = 15, warmup = 3 } = {}) {
  const batch = async () => {
    let last = null;
    for (let i = 0; i < inner; i++) {
      last?.dispose();
      last = call();
    }
    await P.engine().backend.flush();
    last.dispose();
  };
  for (let i = 0; i < warmup; i++) await batch();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await batch();
    times.push((performance.now() - t0) / inner);
  }
  return median(times);
}

function random(n, seed = 1) {
  const values = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    values[i] = (s / 2 ** 32) * 2 - 1;
  }
  return values;
}

function torchBaseline() {
  try {
    const out = execFileSync('/usr/bin/python3', [`${root}tooling/bench/python/torch_baseline.py`, '1'], { encoding: 'utf8' });
    const baseline = JSON.parse(out.trim().split('\n').pop());
    const matmul = execFileSync('/usr/bin/python3', ['-c', `
import time, torch
torch.set_num_threads(1)
a, b = torch.randn(512, 512), torch.randn(512, 512)
for _ in range(5): a @ b
ts = []
for _ in range(15):
    t = time.perf_counter(); a @ b; ts.append(1e3 * (time.perf_counter() - t))
ts.sort(); print(ts[len(ts) // 2])
`], { encoding: 'utf8' });
    baseline.matmul_512_ms = Number(matmul.trim());
    return baseline;
  } catch (error) {
    return { unavailable: String(error.message ?? error).split('\n')[0] };
  }
}

configureOnnxruntime('wasm', { numThreads: threads });
await P.setBackend('onnxruntime');
const backend = P.engine().backend;
console.log(`backend: ${backend.name} — ${backend.description}`);

const tiny = P.keep(P.tensor([1, 2, 3, 4]));
const x1m = P.keep(P.tensor(random(1 << 20), [1 << 20]));
const scale = P.keep(P.tensor([0.05]));
const zeroPoint = P.keep(P.tensor([0]));
const xc = P.keep(P.tensor(random(64 * 56 * 56, 2), [1, 64, 56, 56]));
const wc = P.keep(P.tensor(random(64 * 64 * 9, 3), [64, 64, 3, 3]));
const a = P.keep(P.tensor(random(512 * 512, 4), [512, 512]));
const b = P.keep(P.tensor(random(512 * 512, 5), [512, 512]));
const runKernel = (name, inputs, attrs) => P.engine().runKernel(name, inputs, attrs);
const convAttrs = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };

/** A bare InferenceSession.run of a one-node graph, for comparison with the kernel overhead. */
async function rawRun() {
  const graph = new OnnxGraph();
  graph.output(graph.op('Neg', [graph.input('float32', [null])]), 'float32');
  const session = await ort.InferenceSession.create(graph.toBytes(), { executionProviders: ['wasm'], logSeverityLevel: 3 });
  const feeds = { input0: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) };
  const times = [];
  for (let r = 0; r < 12; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await session.run(feeds);
    if (r >= 3) times.push((performance.now() - t0) / 200);
  }
  await session.release();
  return median(times);
}

const figures = {
  'session.run of a one-node graph': await rawRun(),
  'kernel overhead (Neg of 4 floats)': await measure(() => P.neg(tiny), { inner: 200, runs: 9, warmup: 10 }),
  'fakeQuantize 1M': await measure(() => P.noGrad(() => P.fakeQuantize(x1m, scale, zeroPoint, -128, 127)), { inner: 5 }),
  'conv2d 1x64x56x56 3x3 forward': await measure(() => runKernel('Conv2D', [xc, wc], convAttrs), { inner: 3, runs: 9 }),
  'matmul 512': await measure(() => runKernel('MatMul', [a, b], { transposeA: false, transposeB: false }), { inner: 3 }),
};
const stats = backend.stats();

console.log('running the PyTorch baseline (1 thread)…');
const torch = torchBaseline();
const torchOf = {
  'fakeQuantize 1M': torch.fake_quant_1M_ms,
  'conv2d 1x64x56x56 3x3 forward': torch.conv_64x56x56_ms,
  'matmul 512': torch.matmul_512_ms,
};
const rows = Object.entries(figures).map(([figure, ms]) => ({
  figure,
  'onnxruntime ms': Number(ms.toFixed(3)),
  'torch ms': torchOf[figure] ?? null,
  '× torch': torchOf[figure] ? Number((ms / torchOf[figure]).toFixed(2)) : null,
}));
rows[1]['× torch'] = null;
console.log(`kernel overhead / bare session.run: ${(figures['kernel overhead (Neg of 4 floats)'] / figures['session.run of a one-node graph']).toFixed(2)}`);
console.table(rows);
console.log(`wasm threads: ${threads}; sessions created: ${stats.sessionsCreated}, runs: ${stats.runs}; torch: ${torch.torch ?? torch.unavailable}`);
console.log("(Debian's python3-torch is built with BLAS_INFO=generic: its matmul runs the reference BLAS, its conv oneDNN.)");
if (json) console.log(JSON.stringify({ threads, figures, torch, stats }));
