#!/usr/bin/env node
/**
 * Kernel figures of @parvus/backend-tfjs beside PyTorch, measured in the same run:
 *
 *   pnpm --filter @parvus/core build && pnpm --filter @parvus/backend-tfjs build
 *   node bench/bench.mjs [--rounds 3] [--backends tfjs-wasm,tfjs-cpu] [--no-torch]
 *
 * Each round runs PyTorch (tooling/bench/python/torch_baseline.py with 1 thread, plus the conv
 * backprops and matmul it does not cover) and then every Parvus figure; the table shows medians
 * over rounds, and each ratio is the median of the per-round ratios, so a busy machine slows both
 * sides of a ratio alike. tfjs-wasm and tfjs-cpu compute synchronously: a kernel call returns
 * when its result is in memory, so no read is needed to time it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as P from '@parvus/core';
import '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const ROUNDS = Number(option('--rounds', '3'));
const BACKENDS = option('--backends', 'tfjs-wasm').split(',');
const WITH_TORCH = !args.includes('--no-torch');
const PYTHON = '/usr/bin/python3';
const BASELINE = fileURLToPath(new URL('../../../tooling/bench/python/torch_baseline.py', import.meta.url));

/** Median of timed runs after warm-up (ms). */
function measure(fn, { warmup = 3, runs = 15, budgetMs = 4000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  const start = performance.now();
  while (times.length < runs && (times.length < 5 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The PyTorch side: the shared baseline script plus conv backprops and matmul 512, 1 thread. */
function torchFigures() {
  if (!WITH_TORCH || !existsSync(PYTHON)) return null;
  const baseline = spawnSync(PYTHON, [BASELINE, '1'], { encoding: 'utf8', timeout: 300_000 });
  if (baseline.status !== 0) return null;
  const extra = spawnSync(PYTHON, ['-c', `
import json, time, torch, torch.nn.functional as F
torch.set_num_threads(1)
torch.manual_seed(0)
def timed(fn, n, warm=3):
    for _ in range(warm): fn()
    t = time.perf_counter()
    for _ in range(n): fn()
    return 1e3 * (time.perf_counter() - t) / n
x, w, dy = torch.randn(1, 64, 56, 56), torch.randn(64, 64, 3, 3), torch.randn(1, 64, 56, 56)
a, b = torch.randn(512, 512), torch.randn(512, 512)
with torch.no_grad():
    r = {
        "conv_backprop_input_ms": timed(lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1), 20),
        "conv_backprop_filter_ms": timed(lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=1), 20),
        "matmul_512_ms": timed(lambda: a @ b, 20),
    }
print(json.dumps(r))
`], { encoding: 'utf8', timeout: 300_000 });
  const last = (out) => JSON.parse(out.trim().split('\n').pop());
  return { ...last(baseline.stdout), ...(extra.status === 0 ? last(extra.stdout) : {}) };
}

/** Which torch figure each Parvus figure is compared with. */
const TORCH_EQUIVALENT = {
  'fakeQuantize-1M': 'fake_quant_1M_ms',
  'conv2d-64x56x56-forward': 'conv_64x56x56_ms',
  'conv2d-64x56x56-backprop-input': 'conv_backprop_input_ms',
  'conv2d-64x56x56-backprop-filter': 'conv_backprop_filter_ms',
  'matmul-512': 'matmul_512_ms',
  'host-copy-1M': 'copy_1M_ms',
  'lenet5-train-step-batch64': 'float_train_step_ms',
  'lenet5-fq-train-step-batch64': 'fq_train_step_ms',
};

/**
 * LeNet-5 on a batch of 64 28×28 images, forward + backward + SGD, as torch_baseline.py's
 * train steps: float, or with fake quantization (8-bit input, 4-bit weights and activations; fixed
 * scales here, learned ones in torch's figure).
 */
function lenetStep(quantized) {
  const gen = new P.Generator(1);
  const param = (shape, scale) => P.parameter(P.tidy(() => P.mul(P.randn(shape, { generator: gen }), scale)));
  const params = {
    c1: param([6, 1, 5, 5], 0.2), b1: param([6], 0), c2: param([16, 6, 5, 5], 0.08), b2: param([16], 0),
    f1: param([120, 256], 0.06), g1: param([120], 0), f2: param([84, 120], 0.09), g2: param([84], 0),
    f3: param([10, 84], 0.1), g3: param([10], 0),
  };
  const x = P.keep(P.randn([64, 1, 28, 28], { generator: gen }));
  const y = P.keep(P.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64]));
  const wq = (w) => (quantized ? P.fakeQuantize(w, 0.05, 0, -8, 7) : w);
  const aq = (a) => (quantized ? P.fakeQuantize(a, 0.1, 0, 0, 15) : a);
  const step = () => {
    P.tidy(() => {
      const input = quantized ? P.fakeQuantize(x, 0.03, 0, -128, 127) : x;
      let h = P.maxPool2d(aq(P.relu(P.conv2d(input, wq(params.c1), params.b1))), 2);
      h = P.maxPool2d(aq(P.relu(P.conv2d(h, wq(params.c2), params.b2))), 2);
      h = aq(P.relu(P.linear(P.flatten(h, 1), wq(params.f1), params.g1)));
      h = aq(P.relu(P.linear(h, wq(params.f2), params.g2)));
      P.crossEntropy(P.linear(h, wq(params.f3), params.g3), y).backward();
    });
    P.tidy(() => {
      for (const p of Object.values(params)) p.assign(P.sub(p, P.mul(p.grad, 0.01)));
    });
    for (const p of Object.values(params)) {
      p.grad?.dispose();
      p.grad = null;
    }
  };
  const ms = measure(step, { runs: 20 });
  for (const t of [x, y, ...Object.values(params)]) t.dispose();
  return ms;
}

function parvusFigures(backend) {
  const figures = {};
  const gen = new P.Generator(0);
  const x1m = P.keep(P.randn([1 << 20], { generator: gen }));
  const scale = P.keep(P.tensor(0.05));
  const zeroPoint = P.keep(P.tensor(0));
  figures['fakeQuantize-1M'] = measure(() => P.tidy(() => void P.fakeQuantize(x1m, 0.05, 0, -128, 127)), { runs: 30 });
  figures['fakeQuantize-1M-composite'] = measure(() => P.tidy(() => void P.fakeQuantizeComposite(x1m, scale, zeroPoint, -128, 127)), { runs: 10 });
  const x = P.keep(P.randn([1, 64, 56, 56], { generator: gen }));
  const w = P.keep(P.randn([64, 64, 3, 3], { generator: gen }));
  const dy = P.keep(P.randn([1, 64, 56, 56], { generator: gen }));
  const geometry = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };
  const e = P.engine();
  figures['conv2d-64x56x56-forward'] = measure(() => P.tidy(() => void P.conv2d(x, w, null, { padding: 1 })));
  figures['conv2d-64x56x56-backprop-input'] = measure(() =>
    P.tidy(() => void e.runKernel(P.Conv2DBackpropInput, [dy, w], { ...geometry, inputShape: x.shape })));
  figures['conv2d-64x56x56-backprop-filter'] = measure(() =>
    P.tidy(() => void e.runKernel(P.Conv2DBackpropFilter, [x, dy], { ...geometry, filterShape: w.shape })));
  const a = P.keep(P.randn([512, 512], { generator: gen }));
  const b = P.keep(P.randn([512, 512], { generator: gen }));
  figures['matmul-512'] = measure(() => P.tidy(() => void P.matmul(a, b)));
  for (const t of [x1m, scale, zeroPoint, x, w, dy, a, b]) t.dispose();
  figures['lenet5-train-step-batch64'] = lenetStep(false);
  figures['lenet5-fq-train-step-batch64'] = lenetStep(true);
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${backend}/${k}`, v]));
}

function hostCopy() {
  const source = new Float32Array(1 << 20).fill(1);
  const target = new Float32Array(1 << 20);
  return measure(() => target.set(source), { runs: 50 });
}

const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  process.stdout.write(`round ${round}/${ROUNDS}: PyTorch… `);
  const torch = torchFigures();
  const figures = { 'host/host-copy-1M': hostCopy() };
  for (const backend of BACKENDS) {
    process.stdout.write(`${backend}… `);
    await P.setBackend(backend);
    Object.assign(figures, parvusFigures(backend));
  }
  console.log('done');
  rounds.push({ torch, figures });
}

const names = Object.keys(rounds[0].figures);
const rows = names.map((name) => {
  const figure = name.split('/')[1];
  const key = TORCH_EQUIVALENT[figure];
  const ours = median(rounds.map((r) => r.figures[name]));
  const theirs = key && rounds.every((r) => r.torch?.[key] != null) ? median(rounds.map((r) => r.torch[key])) : null;
  const ratio = theirs != null ? median(rounds.map((r) => r.figures[name] / r.torch[key])) : null;
  return {
    figure: name,
    'parvus ms': ours.toFixed(3),
    'torch ms (1 thread)': theirs != null ? theirs.toFixed(3) : '',
    '× torch': ratio != null ? ratio.toFixed(2) : '',
  };
});
console.table(rows);
const torch = rounds[0].torch;
if (torch) console.log(`PyTorch ${torch.torch}, 1 thread; ${ROUNDS} rounds, medians (ratios: median of per-round ratios).`);
else console.log('PyTorch baseline unavailable (needs /usr/bin/python3 with torch).');
