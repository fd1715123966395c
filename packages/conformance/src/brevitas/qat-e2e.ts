/**
 * qat_e2e.json: five SGD steps of a tiny quantized network, end to end, from Brevitas's initial
 * parameters and inputs. Each step's logits, loss and gradients, the final parameters and state
 * dict, and the eval-mode logits after training are compared with Brevitas's.
 *
 * Tolerance. Conv and linear outputs are float accumulations summed in another order than
 * PyTorch's, so each step differs by rounding; SGD carries that into the next step's parameters.
 * Over five steps of lr 0.1 on O(1) values the drift stays a few float32 ulps of the largest value
 * involved: we allow 64·eps relative to the largest |expected| of each tensor (≈ 7.6e-6), which is
 * still ~10^4 times smaller than one quantization step of these 8-bit quantizers, so a wrong code,
 * a missed gradient term or a wrong statistics phase fails. Learned scales that must get exactly
 * zero gradient while statistics are collected compare bit for bit.
 *
 * The ReLU's learned scale is the exception: its gradient Σᵢ dyᵢ·(cᵢ − xᵢ/s) is a difference of
 * nearly equal sums over the activation (the rounding residuals cᵢ − xᵢ/s), and each xᵢ/s carries
 * the conv's accumulation error magnified by 1/s. Its bound is computed from the step's own
 * values: 16·eps·(√N + 1)·Σ|dyᵢ|·(|yᵢ| + |xᵢ|)/s for the sum, plus the conv's accumulation
 * tolerance times Σ|dyᵢ|·Aᵢ/s, Aᵢ the sum of |products| behind xᵢ.
 */
import type { Module, Tensor } from '@parvus/core';
import {
  CrossEntropyLoss, IntQuantTensor, QuantConv2d, QuantIdentity, QuantLinear, QuantReLU, SGD, abs, brevitasToParvusKey, conv2d, div, flatten, matmul,
  nn, noGrad, oneHot, parvusToBrevitasKey, relu, softmax, sub, tidy,
} from '@parvus/core';
import type { CaseContext, Suite } from '../suite.js';
import type { FixtureTensor } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import type { HostTensor } from './decode.js';
import { decodeTensor, toTensor } from './decode.js';
import { Mismatches } from './compare.js';
import { read } from '../harness.js';
import { camelName } from './python.js';
import { brevitasTestId } from './registry.js';

const FILE = 'qat_e2e.json';

interface QatStep {
  readonly step: number;
  readonly logits: FixtureTensor;
  readonly loss: number;
  readonly grads: Readonly<Record<string, FixtureTensor>>;
}

interface QatCase {
  readonly name: string;
  readonly description: string;
  readonly qkw: Readonly<Record<string, number>>;
  readonly optimizer: { readonly type: string; readonly lr: number; readonly momentum: number; readonly weight_decay: number };
  readonly params_initial: Readonly<Record<string, FixtureTensor>>;
  readonly input: FixtureTensor;
  readonly targets: FixtureTensor;
  readonly steps: readonly QatStep[];
  readonly params_final: Readonly<Record<string, FixtureTensor>>;
  readonly state_dict_final: Readonly<Record<string, FixtureTensor>>;
  readonly eval_logits_final: FixtureTensor;
}

/** `QuantIdentity(return_quant_tensor=True) → QuantConv2d(1,4,3) → QuantReLU → flatten(x, 1) → QuantLinear(64,3)`. */
class TinyNet extends nn.Module {
  readonly inp: QuantIdentity;
  readonly conv: QuantConv2d;
  readonly relu: QuantReLU;
  readonly fc: QuantLinear;

  constructor(quantOptions: Readonly<Record<string, number>>) {
    super();
    this.inp = this.registerModule('inp', new QuantIdentity({ returnQuantTensor: true, ...quantOptions }));
    this.conv = this.registerModule('conv', new QuantConv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, bias: true }));
    this.relu = this.registerModule('relu', new QuantReLU({ ...quantOptions }));
    this.fc = this.registerModule('fc', new QuantLinear({ inFeatures: 64, outFeatures: 3, bias: true }));
  }

  forward(x: Tensor): Tensor {
    const h = this.relu.forward(this.conv.forward(this.inp.forward(x))) as Tensor;
    return this.fc.forward(flatten(h, 1)) as Tensor;
  }
}

const RELU_SCALE = 'relu.act_quant.fused_activation_quant_proxy.tensor_quant.scaling_impl.value';

const value = (t: Tensor | IntQuantTensor): Tensor => (t instanceof IntQuantTensor ? t.value : t);

/**
 * The bound on the ReLU scale's gradient error for this step (see the file's comment), from a
 * side-effect-free replay of the forward in the learned-scale phase. dy is the loss's gradient
 * with respect to the ReLU's quantized output, (softmax − onehot)/N · W_fc.
 */
async function reluScaleGradientBound(model: TinyNet, input: Tensor, targets: Tensor, scale: number, eps: number): Promise<number> {
  const parts = noGrad(() => tidy(() => {
    const q = model.inp.forward(input);
    const weight = value(model.conv.quantWeight());
    const pre = conv2d(value(q), weight, model.conv.bias);
    const magnitudes = conv2d(abs(value(q)), abs(weight), model.conv.bias ? abs(model.conv.bias) : null);
    const x = relu(pre);
    const y = model.relu.forward(pre) as Tensor;
    const logits = model.fc.forward(flatten(y, 1)) as Tensor;
    const n = logits.shape[0] as number;
    const dLogits = div(sub(softmax(logits, 1), oneHot(targets, logits.shape[1] as number)), n);
    return [matmul(dLogits, value(model.fc.quantWeight())), x, y, magnitudes];
  }));
  const [, c, kh, kw] = model.conv.weight.shape as [number, number, number, number];
  const k = c * kh * kw;
  let values: Float32Array[];
  try {
    values = (await Promise.all(parts.map((t) => t.data()))) as Float32Array[];
  } finally {
    for (const t of parts) t.dispose();
  }
  const [dy, xs, ys, as] = values as [Float32Array, Float32Array, Float32Array, Float32Array];
  let sum = 0;
  let accumulated = 0;
  for (let i = 0; i < dy.length; i++) {
    const g = Math.abs(dy[i] as number);
    sum += g * (Math.abs(ys[i] as number) + Math.abs(xs[i] as number));
    accumulated += g * (as[i] as number);
  }
  return (16 * eps * (Math.sqrt(dy.length) + 1) * sum + 4 * eps * (Math.sqrt(k) + 1) * accumulated) / scale;
}

/** Brevitas's keyword arguments (`collect_stats_steps`) in Parvus's spelling. */
function camelOptions(options: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [camelName(k), v]));
}

function parameters(model: Module): Map<string, Tensor> {
  return new Map(model.namedParameters().map(([name, p]) => [parvusToBrevitasKey(name), p]));
}

async function runQatCase(c: QatCase, context: CaseContext): Promise<void> {
  if (c.optimizer.type !== 'SGD') throw new Error(`${c.name}: the runner knows SGD only, not ${c.optimizer.type}`);
  const mismatches = new Mismatches(c.name);
  const rtol = 64 * context.tolerance.eps;
  const close = (actual: HostTensor, expected: FixtureTensor, what: string): void =>
    mismatches.close(actual, decodeTensor(expected, what), { rtol, atol: 0 }, what);

  const model = new TinyNet(camelOptions(c.qkw));
  const input = toTensor(c.input, 'input');
  const targets = toTensor(c.targets, 'targets');
  const optimizer = new SGD(model.parameters(), { lr: c.optimizer.lr, momentum: c.optimizer.momentum, weightDecay: c.optimizer.weight_decay });
  const lossFn = new CrossEntropyLoss();
  try {
    const params = parameters(model);
    noGrad(() => {
      for (const [name, value] of Object.entries(c.params_initial)) {
        const p = params.get(name);
        if (!p) throw new Error(`${c.name}: no parameter '${brevitasToParvusKey(name)}' for '${name}'`);
        tidy(() => p.assign(toTensor(value, name)));
      }
    });
    model.train();
    for (const step of c.steps) {
      const what = `step ${step.step}`;
      // torch 1.13's zero_grad() zeroes gradients in place (set_to_none=False), so a new gradient
      // is added to +0: the fixture's zero gradients are +0.
      optimizer.zeroGrad(false);
      const [logits, loss] = tidy(() => {
        const out = model.forward(input);
        const l = lossFn.forward(out, targets);
        l.backward();
        return [out, l];
      });
      close(await read(logits), step.logits, `${what} logits`);
      close(await read(loss), { dtype: 'float32', shape: [], data: [step.loss] }, `${what} loss`);
      logits.dispose();
      loss.dispose();
      for (const [name, expected] of Object.entries(step.grads)) {
        const grad = params.get(name)?.grad;
        if (!grad) {
          mismatches.fail(`${what}: no gradient for '${name}'`);
          continue;
        }
        const host = await read(grad);
        const wanted = decodeTensor(expected, name);
        // A learned scale during statistics collection gets exactly 0 (stats + 0·value).
        if (wanted.values.every((v) => v === 0)) {
          mismatches.exact(host, wanted, `${what} grad ${name}`);
        } else if (name === RELU_SCALE) {
          const scale = Math.abs((await read(params.get(name) as Tensor)).values[0] as number);
          const bound = await reluScaleGradientBound(model, input, targets, scale, context.tolerance.eps);
          mismatches.closeEach(host, wanted, [bound], `${what} grad ${name}`);
        } else {
          close(host, expected, `${what} grad ${name}`);
        }
      }
      optimizer.step();
    }
    for (const [name, expected] of Object.entries(c.params_final)) {
      const p = params.get(name);
      if (p) close(await read(p), expected, `final ${name}`);
      else mismatches.fail(`final: no parameter '${name}'`);
    }
    const stateDict = model.stateDict();
    const keys = [...stateDict.keys()].map(parvusToBrevitasKey).sort();
    mismatches.equal(keys.join(', '), Object.keys(c.state_dict_final).sort().join(', '), 'final state dict keys');
    for (const [key, value] of stateDict) {
      const expected = c.state_dict_final[parvusToBrevitasKey(key)];
      if (expected) close(await read(value), expected, `final state dict ${parvusToBrevitasKey(key)}`);
    }
    model.eval();
    const evalLogits = noGrad(() => tidy(() => model.forward(input)));
    close(await read(evalLogits), c.eval_logits_final, 'eval logits after training');
    evalLogits.dispose();
  } finally {
    optimizer.dispose();
    model.dispose();
    input.dispose();
    targets.dispose();
  }
  mismatches.throwIfAny();
}

export function registerQatEndToEndTests(suite: Suite): void {
  const fixture = loadFixture<{ cases: readonly QatCase[] }>(FILE);
  for (const c of fixture.cases) {
    suite.test(brevitasTestId(FILE, c.name), (context) => runQatCase(c, context));
  }
}
