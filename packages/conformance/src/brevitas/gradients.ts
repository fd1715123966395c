/**
 * gradients.json: the backward pass of quantized layers. The module gets its `params`, runs the
 * `warmup_inputs` as train-mode forwards without gradient (advancing the statistics), then one
 * train-mode forward of `input` whose `output.value` is backpropagated with `upstream_grad`;
 * the input's gradient and every parameter's (keyed by Brevitas's named_parameters(); null: no
 * gradient reaches it) are compared.
 */
import type { Module, Tensor } from '@parvus/core';
import { IntQuantTensor, brevitasToParvusKey, keep, noGrad, parvusToBrevitasKey, tensor, tidy } from '@parvus/core';
import type { CaseContext, Suite } from '../suite.js';
import type { FixtureFile, FixtureTensor, GradientCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { decodeTensor, toTensor } from './decode.js';
import { Mismatches, snapshotValue } from './compare.js';
import { read } from '../harness.js';
import { buildModule, isAfterAccumulation, outputTolerance, setParams } from './modules.js';
import { brevitasTestId } from './registry.js';

const FILE = 'gradients.json';

/** Free and forget the gradients of the input and the parameters. */
function clearGrads(targets: ReadonlyMap<string, Tensor>): void {
  for (const t of targets.values()) {
    t.grad?.dispose();
    t.grad = null;
  }
}

async function runGradientCase(c: GradientCase, context: CaseContext): Promise<void> {
  const mismatches = new Mismatches(c.name);
  const model: Module = buildModule(c.module);
  const input = toTensor(c.input, 'input').requiresGrad_();
  const upstream = toTensor(c.upstream_grad, 'upstream_grad');
  let output: Tensor | IntQuantTensor | null = null;
  try {
    setParams(model, c.params);
    model.train();
    for (const [i, warmup] of c.warmup_inputs.entries()) {
      const x = toTensor(warmup, `warmup ${i}`);
      noGrad(() => tidy(() => {
        model.forward(x);
      }));
      x.dispose();
    }
    await mismatches.quantState(model, c.quant_state_before, 'state before');

    const parameters = new Map(model.namedParameters());
    const expectedKeys = Object.keys(c.param_grads).map(brevitasToParvusKey);
    if (expectedKeys.join() !== [...parameters.keys()].join()) {
      mismatches.fail(`namedParameters(): expected [${expectedKeys.join(', ')}], got [${[...parameters.keys()].join(', ')}]`);
    }
    const targets = new Map<string, Tensor>([['input', input], ...parameters]);
    const g = decodeTensor(c.upstream_grad).values;

    // One backward per output element first (graph retained), giving each gradient element's
    // terms g_i·∂out_i/∂p; then the real backward with the whole upstream gradient.
    const run = tidy(() => {
      const out = model.forward(input) as Tensor | IntQuantTensor;
      const value = out instanceof IntQuantTensor ? out.value : out;
      const terms: Array<Map<string, Tensor>> = [];
      for (let i = 0; i < g.length; i++) {
        if (g[i] === 0) continue;
        const onehot = new Float32Array(g.length);
        onehot[i] = g[i] as number;
        value.backward(tensor(onehot, value.shape), { retainGraph: true });
        const term = new Map<string, Tensor>();
        for (const [name, t] of targets) {
          if (t.grad) term.set(name, keep(t.grad.clone()));
        }
        terms.push(term);
        clearGrads(targets);
      }
      value.backward(upstream);
      return { out, terms };
    });
    output = run.out;
    mismatches.value(await snapshotValue(output), c.output, 'output', outputTolerance(c.module.class, c.params, context.tolerance));

    const magnitudes = new Map<string, Float64Array>();
    for (const term of run.terms) {
      for (const [name, t] of term) {
        const values = await t.data();
        const sum = magnitudes.get(name) ?? new Float64Array(values.length);
        for (let j = 0; j < values.length; j++) sum[j] = (sum[j] as number) + Math.abs(values[j] as number);
        magnitudes.set(name, sum);
        t.dispose();
      }
    }
    // A gradient element is a sum over the output's N elements of terms g_i·∂out_i/∂p, added in
    // an order Parvus need not share with PyTorch, and such sums cancel: a learned scale's
    // gradient is often far below its terms, and PyTorch's own result is then accurate only
    // relative to them. So each element may differ by the suite's gradient tolerance for an
    // N-term sum, 16·eps·(√N + 1), times the sum of its terms' magnitudes (measured above, one
    // backward per output element). An elementwise gradient (straight-through rounding, a clamp
    // mask) has one term, so it must agree to a few ulps of itself.
    //
    // A quantizer fed by an accumulated output (an output quantizer after a conv or linear sum)
    // also sees that output rounded differently: each y_i may move by the accumulation tolerance
    // ε·max|y|, which moves the term g_i·(q_i − y_i/s)/t by |g_i|·ε·max|y|/p for its learned
    // scale p = s·t. Summed: ε·Σ|g_i|·max|out|/|p| more (out ≈ y up to the clamp).
    const rtol = context.tolerance.gradient(g.length).rtol;
    const accumulation = outputTolerance(c.module.class, c.params, context.tolerance).float?.rtol ?? 0;
    const outputValues = decodeTensor(c.output.kind === 'IntQuantTensor' ? c.output.value : c.output).values;
    const maxOutput = Array.from(outputValues).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const upstreamSum = Array.from(g).reduce((m, v) => m + Math.abs(v), 0);
    const compare = async (name: string, grad: Tensor, expected: FixtureTensor, what: string): Promise<void> => {
      const want = decodeTensor(expected, what);
      const magnitude = magnitudes.get(name) ?? new Float64Array(want.values.length);
      const stored = name === 'input' ? undefined : c.param_values[parvusToBrevitasKey(name)];
      const value = stored && accumulation > 0 && isAfterAccumulation(name) ? decodeTensor(stored, what).values : null;
      const shifted = (j: number): number => (value ? (accumulation * upstreamSum * maxOutput) / Math.abs(value[j] ?? value[0] ?? 1) : 0);
      mismatches.closeEach(await read(grad), want, Array.from(magnitude, (m, j) => rtol * m + shifted(j)), what);
    };

    if (!input.grad) mismatches.fail('input: no gradient reached it');
    else await compare('input', input.grad, c.input_grad, 'input gradient');
    for (const [key, expected] of Object.entries(c.param_grads)) {
      const name = brevitasToParvusKey(key);
      const parameter = parameters.get(name);
      if (!parameter) continue;
      if (expected === null) {
        if (parameter.grad) mismatches.fail(`${name}: expected no gradient, got one`);
      } else if (!parameter.grad) {
        mismatches.fail(`${name}: no gradient reached it`);
      } else {
        await compare(name, parameter.grad, expected, `${name} gradient`);
      }
    }
    for (const [key, expected] of Object.entries(c.param_values)) {
      const parameter = parameters.get(brevitasToParvusKey(key));
      if (parameter) await mismatches.tensor(parameter, expected, `${brevitasToParvusKey(key)} value`);
    }
  } finally {
    output?.dispose();
    input.dispose();
    upstream.dispose();
    model.zeroGrad();
    model.dispose();
  }
  mismatches.throwIfAny();
}

export function registerGradientTests(suite: Suite): void {
  const fixture = loadFixture<FixtureFile<GradientCase>>(FILE);
  for (const c of fixture.cases) {
    suite.test(brevitasTestId(FILE, c.name), (context) => runGradientCase(c, context));
  }
}
