/**
 * Latency of the exported LeNet-5 beside PyTorch, measured in the same run:
 *
 *   pnpm --filter @parvus/export-onnx bench [-- --threads N] [--json]
 *
 * The LeNet-5 of the MNIST program (4-bit weights and activations, Int32 biases) is calibrated on
 * random digits-sized inputs, exported as QCDQ and run in onnxruntime-web (wasm) on a batch of 64;
 * the figure is the median time of session.run. PyTorch's is float_eval_batch_ms of
 * tooling/bench/python/torch_baseline.py (float LeNet-5, batch 64, no grad), with the same number of
 * threads. The bar: exported / PyTorch ≤ 1.0. onnxruntime-node is timed too where it can be loaded
 * (installed, or PARVUS_ONNXRUNTIME_NODE=/path/to/onnxruntime-node).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as P from '@parvus/core';
import '@parvus/backend-reference';
import { OnnxModel, exportOnnxQcdq, measureLatency } from '../dist/index.js';

const args = process.argv.slice(2);
const threadsArg = args.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(args[threadsArg + 1]) : 1;
const json = args.includes('--json');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const BATCH = 64;

/** The MNIST program's LeNet-5 with quantized layers. */
class QuantLeNet5 extends P.Module {
  constructor(generator) {
    super();
    const weight = { weightBitWidth: 4, biasQuant: P.Int32Bias, generator };
    const act = { bitWidth: 4, returnQuantTensor: true };
    this.quantInput = this.registerModule('quantInput', new P.QuantIdentity({ returnQuantTensor: true }));
    this.conv1 = this.registerModule('conv1', new P.QuantConv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, ...weight }));
    this.relu1 = this.registerModule('relu1', new P.QuantReLU(act));
    this.pool1 = this.registerModule('pool1', new P.nn.MaxPool2d({ kernelSize: 2 }));
    this.conv2 = this.registerModule('conv2', new P.QuantConv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, ...weight }));
    this.relu2 = this.registerModule('relu2', new P.QuantReLU(act));
    this.pool2 = this.registerModule('pool2', new P.nn.MaxPool2d({ kernelSize: 2 }));
    this.flatten = this.registerModule('flatten', new P.nn.Flatten());
    this.fc1 = this.registerModule('fc1', new P.QuantLinear({ inFeatures: 256, outFeatures: 120, ...weight }));
    this.relu3 = this.registerModule('relu3', new P.QuantReLU(act));
    this.fc2 = this.registerModule('fc2', new P.QuantLinear({ inFeatures: 120, outFeatures: 84, ...weight }));
    this.relu4 = this.registerModule('relu4', new P.QuantReLU(act));
    this.fc3 = this.registerModule('fc3', new P.QuantLinear({ inFeatures: 84, outFeatures: 10, ...weight }));
  }

  forward(input) {
    const keep = (x, f) => (x instanceof P.IntQuantTensor ? x.with({ value: f(x.value) }) : f(x));
    let x = this.quantInput.forward(input);
    x = keep(this.relu1.forward(this.conv1.forward(x)), (v) => this.pool1.forward(v));
    x = keep(this.relu2.forward(this.conv2.forward(x)), (v) => this.pool2.forward(v));
    x = keep(x, (v) => this.flatten.forward(v));
    x = this.relu4.forward(this.fc2.forward(this.relu3.forward(this.fc1.forward(x))));
    const logits = this.fc3.forward(x);
    return logits instanceof P.IntQuantTensor ? logits.value : logits;
  }
}

function torchBaseline() {
  const python = '/usr/bin/python3';
  const script = `${root}tooling/bench/python/torch_baseline.py`;
  if (!existsSync(python)) return { unavailable: `${python} not found` };
  const run = spawnSync(python, [script, String(threads)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) return { unavailable: `torch_baseline.py failed: ${(run.stderr || '').trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function parvusEvalMs(model, x) {
  model.eval();
  const once = () => P.noGrad(() => P.tidy(() => void model.forward(x).dataSync()));
  once();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
}

const generator = new P.Generator(0);
const model = new QuantLeNet5(generator);
model.train();
P.noGrad(() => {
  for (let i = 0; i < 3; i++) P.tidy(() => void model.forward(P.randn([BATCH, 1, 28, 28], { generator })));
});
model.eval();
const x = P.keep(P.randn([BATCH, 1, 28, 28], { generator }));
const input = x.dataSync().slice();

const t0 = performance.now();
const bytes = await exportOnnxQcdq(model, x);
const exportMs = performance.now() - t0;

const results = { batch: BATCH, threads, modelBytes: bytes.length, exportMs };
const wasm = await OnnxModel.load(bytes, { runtime: 'wasm', numThreads: threads });
results.onnxruntimeWebWasmMs = (await measureLatency(wasm, input, [BATCH, 1, 28, 28], { runs: 200, budgetMs: 5000 })).medianMs;
await wasm.release();
try {
  // PARVUS_ONNXRUNTIME_NODE may point at an installed onnxruntime-node outside the workspace.
  const module = process.env.PARVUS_ONNXRUNTIME_NODE ? createRequire(import.meta.url)(process.env.PARVUS_ONNXRUNTIME_NODE) : undefined;
  const node = await OnnxModel.load(bytes, { runtime: 'node', numThreads: threads, ...(module ? { module } : {}) });
  results.onnxruntimeNodeMs = (await measureLatency(node, input, [BATCH, 1, 28, 28], { runs: 200, budgetMs: 5000 })).medianMs;
  await node.release();
} catch (error) {
  results.onnxruntimeNode = `unavailable (${error.name})`;
}
results.parvusReferenceEvalMs = parvusEvalMs(model, x);
const torch = torchBaseline();
if ('unavailable' in torch) {
  results.torch = torch.unavailable;
} else {
  results.torchFloatEvalBatchMs = torch.float_eval_batch_ms;
  results.ratioToTorch = results.onnxruntimeWebWasmMs / torch.float_eval_batch_ms;
}

if (json) {
  console.log(JSON.stringify(results));
} else {
  const ms = (v) => (typeof v === 'number' ? `${v.toFixed(2)} ms` : String(v));
  console.log(`LeNet-5 (4-bit QCDQ, ${bytes.length} bytes, exported in ${exportMs.toFixed(0)} ms), batch ${BATCH}, ${threads} thread(s):`);
  console.log(`  onnxruntime-web wasm        ${ms(results.onnxruntimeWebWasmMs)}`);
  console.log(`  onnxruntime-node            ${ms(results.onnxruntimeNodeMs ?? results.onnxruntimeNode)}`);
  console.log(`  Parvus eval (reference)     ${ms(results.parvusReferenceEvalMs)}`);
  console.log(`  PyTorch float eval          ${ms(results.torchFloatEvalBatchMs ?? results.torch)}`);
  if (results.ratioToTorch !== undefined) {
    const verdict = results.ratioToTorch <= 1 ? 'meets' : 'misses';
    console.log(`  ratio wasm / PyTorch        ${results.ratioToTorch.toFixed(2)}× (${verdict} the ≤ 1.0× bar)`);
  }
}
x.dispose();
