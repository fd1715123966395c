/**
 * LeNet-5 W4A4 quantization-aware training step (batch 64) on the onnxruntime backends, beside
 * PyTorch measured in the same run (tooling/bench/python/torch_baseline.py, 1 thread):
 *
 *   pnpm --filter @parvus/backend-onnxruntime build && node bench/lenet5-qat.mjs [--rounds N] [--steps N]
 *       [--only onnxruntime-node,onnxruntime] [--threads N] [--no-learned] [--json]
 *
 * The model is Brevitas's LeNet-5 QAT example in Parvus: QuantIdentity(8 bits), QuantConv2d(1→6, 5,
 * 4-bit weights), QuantReLU(4), MaxPool2d(2), QuantConv2d(6→16, 5, w4), QuantReLU(4), MaxPool2d(2),
 * Flatten, QuantLinear(256→120, w4), QuantReLU(4), QuantLinear(120→84, w4), QuantReLU(4),
 * QuantLinear(84→10, w4); SGD with momentum 0.9, cross-entropy; the step reads its loss back
 * (dataSync), as a training loop does. Two phases are timed: the first 300 steps, in which the
 * activation quantizers collect percentile statistics, and the steps after, with learned scales.
 *
 * The bar (issue 7): onnxruntime-node ≤ 1.0× Brevitas, taken as 1.6 × torch's fq_train_step_ms
 * (Brevitas 0.12.1 measured 1.6× that stand-in on this kind of machine). Each backend runs in its own
 * process; rounds alternate PyTorch and the backends, so that load on the shared machine hits them
 * alike; figures are medians, and each ratio is taken against the PyTorch run of its own round.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const steps = Number(option('--steps', 30));
const json = args.includes('--json');
const learned = !args.includes('--no-learned');
const threads = option('--threads', undefined);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const BREVITAS_OVER_STAND_IN = 1.6;
/** Steps of percentile statistics before the learned scales take over (Brevitas's collect_stats_steps). */
const COLLECT_STEPS = 300;

const CONFIGS = {
  'onnxruntime-node': { flavour: 'node', options: {} },
  'onnxruntime-node (in-thread)': { flavour: 'node', options: { worker: false } },
  onnxruntime: { flavour: 'wasm', options: {} },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function child(configName) {
  const P = await import('@parvus/core');
  const { configureOnnxruntime, BACKEND_NAMES } = await import('../dist/index.js');
  const config = CONFIGS[configName];
  const numThreads = threads === undefined ? 1 : Number(threads);
  configureOnnxruntime(config.flavour, { ...config.options, numThreads });
  await P.setBackend(BACKEND_NAMES[config.flavour]);
  const backend = P.engine().backend;
  const generator = new P.Generator(0);
  const model = new P.Sequential(
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
  const x = P.keep(P.randn([64, 1, 28, 28], { generator }));
  const y = P.keep(P.tensor(Int32Array.from({ length: 64 }, () => generator.random() % 10), [64], 'int32'));
  const optimizer = new P.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const lossFn = new P.CrossEntropyLoss();
  model.train();
  let done = 0;
  let loss = NaN;
  const step = () => {
    P.tidy(() => {
      optimizer.zeroGrad();
      const l = lossFn.forward(model.forward(x), y);
      l.backward();
      optimizer.step();
      loss = l.dataSync()[0];
    });
    done++;
  };
  const timeSteps = (n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    return times;
  };
  timeSteps(5);
  const collect = timeSteps(Math.min(steps, COLLECT_STEPS - done - 1));
  const result = { backend: configName, description: backend.description, collectMs: median(collect), collectMinMs: Math.min(...collect) };
  if (learned) {
    while (done < COLLECT_STEPS + 2) step();
    const after = timeSteps(steps);
    result.learnedMs = median(after);
    result.learnedMinMs = Math.min(...after);
  }
  result.loss = loss;
  result.steps = done;
  result.stats = backend.stats();
  result.memory = P.engine().memory().numTensors;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function torchBaseline() {
  try {
    const out = execFileSync('/usr/bin/python3', [`${root}tooling/bench/python/torch_baseline.py`, '1'], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (error) {
    return { unavailable: String(error.message ?? error).split('\n')[0] };
  }
}

async function parent() {
  const only = option('--only', undefined)?.split(',') ?? Object.keys(CONFIGS);
  const rounds = Number(option('--rounds', 3));
  const passOn = args.filter((a, i) => !['--only', '--rounds'].includes(a) && !['--only', '--rounds'].includes(args[i - 1]));
  console.log(`LeNet-5 W4A4 QAT train step, batch 64; ${rounds} rounds of (PyTorch, ${only.join(', ')}), ${steps} timed steps per phase; load average ${loadavg()[0].toFixed(1)}`);
  const torch = [];
  const results = Object.fromEntries(only.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const baseline = torchBaseline();
    torch.push(baseline);
    for (const name of only) {
      if (!CONFIGS[name]) throw new Error(`unknown backend '${name}': ${Object.keys(CONFIGS).join(', ')}`);
      let row;
      try {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, ...passOn], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        row = JSON.parse(out.trim().split('\n').pop());
      } catch (error) {
        row = { backend: name, unavailable: String(error.message ?? error).split('\n')[0] };
      }
      // Each backend against the PyTorch run of its own round.
      if (!baseline.unavailable) row.fqTrainStepMs = baseline.fq_train_step_ms;
      results[name].push(row);
    }
    console.log(`round ${round + 1}: torch fq ${baseline.fq_train_step_ms ?? baseline.unavailable} ms; ` +
      only.map((name) => { const r = results[name][round]; return `${name} ${r.collectMs?.toFixed(1) ?? r.unavailable} / ${r.learnedMs?.toFixed(1) ?? '-'} ms`; }).join('; ') +
      ` (load ${loadavg()[0].toFixed(1)})`);
  }
  const available = torch.filter((t) => !t.unavailable);
  const fq = available.length ? median(available.map((t) => t.fq_train_step_ms)) : null;
  const ratio = (rows, key) => {
    const ratios = rows.filter((r) => r[key] !== undefined && r.fqTrainStepMs).map((r) => r[key] / (BREVITAS_OVER_STAND_IN * r.fqTrainStepMs));
    return ratios.length ? Number(median(ratios).toFixed(2)) : null;
  };
  const summary = only.map((name) => {
    const rows = results[name].filter((r) => !r.unavailable);
    return {
      backend: name,
      'collect ms': rows.length ? Number(median(rows.map((r) => r.collectMs)).toFixed(1)) : results[name][0]?.unavailable,
      'learned ms': rows.length && learned ? Number(median(rows.map((r) => r.learnedMs)).toFixed(1)) : '',
      '× Brevitas (collect)': ratio(rows, 'collectMs'),
      '× Brevitas (learned)': ratio(rows, 'learnedMs'),
    };
  });
  console.table(summary);
  if (fq === null) console.log(`PyTorch baseline unavailable: ${torch[0]?.unavailable}`);
  else console.log(`torch fq_train_step_ms ${available.map((t) => t.fq_train_step_ms).join(' / ')} (median ${fq.toFixed(1)}); Brevitas ≈ 1.6× that: the bar for onnxruntime-node is × Brevitas ≤ 1 (ratios: medians over rounds, each against its round's PyTorch)`);
  for (const name of only) {
    const r = results[name].find((row) => row.description);
    if (r) console.log(`${name}: ${r.description}; ${(r.stats.runs / r.steps).toFixed(0)} session runs per step, ${r.stats.sessionsCreated} sessions; final loss ${r.loss?.toFixed(4)}`);
  }
  if (json) console.log(JSON.stringify({ torch, fqTrainStepMs: fq, summary, results }));
}

if (args[0] === '--child') await child(args[1]);
else await parent();
