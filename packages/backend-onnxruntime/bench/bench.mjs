/**
 * Kernel figures of @parvus/backend-onnxruntime, per way of running onnxruntime, beside PyTorch
 * measured in the same run:
 *
 *   pnpm --filter @parvus/backend-onnxruntime build && node bench/bench.mjs [--threads N] [--json] [--rounds N]
 *       [--ways 'wasm, in-thread;node, worker'] [--dist path/to/another/build/index.js]
 *
 * Ways: onnxruntime-web wasm in this thread (the browser's way, no synchronous read) and in a worker
 * thread (Node's default), onnxruntime-node in this thread (its binding runs synchronously) and in a
 * worker thread, where onnxruntime-node is installed. Figures:
 *
 * - bare run: a one-node session run directly on that runtime, awaited one after another;
 * - kernel: throughput of a kernel (Neg of 4 floats) issued 200 at a time, up to the moment the
 *   last result is computed: the per-kernel cost a training loop sees;
 * - kernel + dataSync: a kernel and a synchronous read of its result (a round trip to the worker);
 * - fakeQuantize of 2^20 floats, a 1×64×56×56 3×3 convolution, a 512×512 matmul.
 *
 * Rounds interleave the ways, so that a change of load on the shared machine hits them alike;
 * every figure is a median over rounds. PyTorch comes from tooling/bench/python/torch_baseline.py
 * (1 thread) plus a 512×512 matmul timed the same way.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as P from '@parvus/core';
import * as ortWeb from 'onnxruntime-web';

const args = process.argv.slice(2);
const text = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const option = (name, fallback) => (text(name) === undefined ? fallback : Number(text(name)));
// --dist PATH measures another build of this package (e.g. one built from an earlier commit).
const dist = text('--dist') ?? '../dist/index.js';
const { OnnxGraph, createOnnxruntimeBackend, nodeRuntimeResolvable, registerOnnxruntimeKernels } = await import(
  dist.startsWith('.') ? dist : new URL(`file://${dist}`).href
);
const threads = option('--threads', 1);
const rounds = option('--rounds', 9);
const json = args.includes('--json');
const root = fileURLToPath(new URL('../../../', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

/** A one-node Neg graph. */
function negModel() {
  const graph = new OnnxGraph();
  graph.output(graph.op('Neg', [graph.input('float32', [null])]), 'float32');
  return graph.toBytes();
}

/** Bare runs of a Neg session, awaited one after another; returns a function timing `n` of them (ms per run). */
async function bareRunner(flavour) {
  const model = negModel();
  if (flavour === 'wasm') {
    ortWeb.env.wasm.numThreads = threads;
    const session = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'], logSeverityLevel: 3 });
    const feeds = { input0: new ortWeb.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) };
    return async (n) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await session.run(feeds);
      return (performance.now() - t0) / n;
    };
  }
  const ortNode = createRequire(import.meta.url)('onnxruntime-node');
  const session = await ortNode.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3 });
  const feeds = { input0: new ortNode.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) };
  return async (n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await session.run(feeds);
    return (performance.now() - t0) / n;
  };
}

const ALL_WAYS = [
  { name: 'wasm, in-thread', flavour: 'wasm', worker: false },
  { name: 'wasm, worker', flavour: 'wasm', worker: true },
  ...(nodeRuntimeResolvable()
    ? [
        { name: 'node, in-thread', flavour: 'node', worker: false },
        { name: 'node, worker', flavour: 'node', worker: true },
      ]
    : []),
];
// --ways 'wasm, in-thread;node, worker' picks some.
const WAYS = text('--ways') ? ALL_WAYS.filter((w) => text('--ways').split(';').includes(w.name)) : ALL_WAYS;

const FIGURES = ['bare run', 'kernel', 'kernel + dataSync', 'fakeQuantize 1M', 'conv2d 1x64x56x56 3x3', 'matmul 512'];

async function setUp(way) {
  const name = `bench-${way.flavour}-${way.worker ? 'worker' : 'thread'}`;
  registerOnnxruntimeKernels(name);
  P.registerBackend(name, () => createOnnxruntimeBackend(way.flavour, { name, worker: way.worker, numThreads: threads }), 0);
  await P.setBackend(name);
  const backend = P.engine().backend;
  const tensors = {
    tiny: P.keep(P.tensor([1, 2, 3, 4])),
    x1m: P.keep(P.tensor(random(1 << 20), [1 << 20])),
    scale: P.keep(P.tensor([0.05])),
    zeroPoint: P.keep(P.tensor([0])),
    xc: P.keep(P.tensor(random(64 * 56 * 56, 2), [1, 64, 56, 56])),
    wc: P.keep(P.tensor(random(64 * 64 * 9, 3), [64, 64, 3, 3])),
    a: P.keep(P.tensor(random(512 * 512, 4), [512, 512])),
    b: P.keep(P.tensor(random(512 * 512, 5), [512, 512])),
  };
  return { ...way, backendName: name, backend, tensors, bare: await bareRunner(way.flavour), times: Object.fromEntries(FIGURES.map((f) => [f, []])) };
}

/** Per-call ms of `inner` calls of `call` (each returns a tensor), up to the last result computed. */
async function batch(backend, call, inner) {
  const t0 = performance.now();
  let last = null;
  for (let i = 0; i < inner; i++) {
    last?.dispose();
    last = call();
  }
  await backend.flush();
  last.dispose();
  return (performance.now() - t0) / inner;
}

async function measureRound(setup, warm) {
  await P.setBackend(setup.backendName);
  const { backend, tensors: t } = setup;
  const convAttrs = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };
  const runKernel = (name, inputs, attrs) => P.engine().runKernel(name, inputs, attrs);
  const figures = {
    'bare run': () => setup.bare(200),
    kernel: () => batch(backend, () => P.neg(t.tiny), 1000),
    'kernel + dataSync': async () => {
      if (!backend.readSync) return NaN;
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) P.tidy(() => P.neg(t.tiny).dataSync());
      return (performance.now() - t0) / 300;
    },
    'fakeQuantize 1M': () => batch(backend, () => P.noGrad(() => P.fakeQuantize(t.x1m, t.scale, t.zeroPoint, -128, 127)), 5),
    'conv2d 1x64x56x56 3x3': () => batch(backend, () => runKernel('Conv2D', [t.xc, t.wc], convAttrs), 3),
    'matmul 512': () => batch(backend, () => runKernel('MatMul', [t.a, t.b], { transposeA: false, transposeB: false }), 3),
  };
  for (const [figure, run] of Object.entries(figures)) {
    const ms = await run();
    if (!warm) setup.times[figure].push(ms);
  }
}

console.log(`load average ${loadavg()[0].toFixed(1)}; ${rounds} rounds over: ${WAYS.map((w) => w.name).join(', ')}`);
const setups = [];
for (const way of WAYS) setups.push(await setUp(way));
// V8 needs some thousands of kernels before onnxruntime's JS and the backend's run at full speed.
for (let r = 0; r < 4; r++) for (const setup of setups) await measureRound(setup, true);
for (let r = 0; r < rounds; r++) for (const setup of setups) await measureRound(setup, false);

console.log('running the PyTorch baseline (1 thread)…');
const torch = torchBaseline();
const torchOf = {
  'fakeQuantize 1M': torch.fake_quant_1M_ms,
  'conv2d 1x64x56x56 3x3': torch.conv_64x56x56_ms,
  'matmul 512': torch.matmul_512_ms,
};
const result = {};
const rows = FIGURES.map((figure) => {
  const row = { figure };
  for (const setup of setups) {
    const ms = median(setup.times[figure]);
    result[setup.name] ??= {};
    result[setup.name][figure] = ms;
    row[`${setup.name} ms`] = Number.isNaN(ms) ? '—' : Number(ms.toFixed(3));
  }
  row['torch ms'] = torchOf[figure] ?? '';
  return row;
});
console.table(rows);
for (const setup of setups) {
  console.log(`${setup.name}: ${setup.backend.description}; sessions ${setup.backend.stats().sessionsCreated}, runs ${setup.backend.stats().runs}`);
}
console.log(`wasm/node threads: ${threads}; torch: ${torch.torch ?? torch.unavailable}`);
console.log("(Debian's python3-torch is built with BLAS_INFO=generic: its matmul runs the reference BLAS, its conv oneDNN.)");
if (json) console.log(JSON.stringify({ threads, rounds, load: loadavg()[0], figures: result, torch }));
process.exit(0);
