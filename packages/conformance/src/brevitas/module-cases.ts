/**
 * Module cases (act_quantizers.json, activation_layers.json, weight_quantizers.json,
 * bias_quant.json and layers.json): build the module of `module`, set `params`, check
 * `quant_state_initial` (and `quant_weight`), then run `steps` in order on the same module, in
 * train or eval mode, comparing each output, the outputs of the enabled proxies
 * (`intermediates`) and the statistics state after the step.
 */
import type { IntQuantTensor, Module, Tensor } from '@parvus/core';
import { brevitasToParvusKey, tidy } from '@parvus/core';
import type { CaseContext, Suite } from '../suite.js';
import type { FixtureFile, FixtureStep, FixtureValue, ModuleCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { disposeValue, toValue } from './decode.js';
import type { ValueTolerance } from './compare.js';
import { Mismatches, snapshotValue } from './compare.js';
import { buildModule, isAfterAccumulation, outputTolerance, setParams } from './modules.js';
import { ONE_STEP } from './one-step.js';
import { brevitasTestId } from './registry.js';

type Value = Tensor | IntQuantTensor;

/**
 * How a module case compares: 'exact' (bit for bit, core's own `isValid` and `int()`), or
 * 'one-step' (within one quantization step, integers computed on the host: see one-step.ts).
 */
export type FixtureComparison = 'exact' | 'one-step';

/**
 * Replace the forward of each named proxy with one that also records its outputs (Brevitas's
 * generator used forward hooks; Parvus modules have none). Returns the recordings.
 */
function recordProxies(model: Module, names: readonly string[]): Map<string, Value[]> {
  const recorded = new Map<string, Value[]>();
  for (const name of names) {
    const proxy = model.getSubmodule(brevitasToParvusKey(name)) as Module & { forward: (...args: unknown[]) => unknown };
    const original = proxy.forward.bind(proxy);
    const outputs: Value[] = [];
    recorded.set(name, outputs);
    proxy.forward = (...args: unknown[]): unknown => {
      const out = original(...args);
      outputs.push(out as Value);
      return out;
    };
  }
  return recorded;
}

/** Run one step: forward in the step's mode, then compare output, intermediates and state. */
async function runStep(model: Module, step: FixtureStep, index: number, mismatches: Mismatches, tolerance: ValueTolerance, integers: 'core' | 'host'): Promise<void> {
  const what = `step ${index} (${step.mode})`;
  model.train(step.mode === 'train');
  const inputs = step.inputs.map((v, i) => toValue(v, `${what} input ${i}`));
  const proxyNames = Object.keys(step.intermediates ?? {});
  const recorded = recordProxies(model, proxyNames);
  let output: Value | null = null;
  let intermediates: Value[] = [];
  try {
    [output, intermediates] = tidy(() => {
      const out = model.forward(...inputs) as Value;
      return [out, [...recorded.values()].flat()] as [Value, Value[]];
    });
    mismatches.value(await snapshotValue(output, integers), step.output, `${what} output`, tolerance);
    for (const [name, expected] of Object.entries(step.intermediates ?? {})) {
      const got = recorded.get(name) ?? [];
      const wanted: readonly FixtureValue[] = Array.isArray(expected) ? expected : [expected as FixtureValue];
      if (got.length !== wanted.length) {
        mismatches.fail(`${what} ${brevitasToParvusKey(name)}: expected ${wanted.length} call(s), got ${got.length}`);
        continue;
      }
      for (let i = 0; i < wanted.length; i++) {
        const label = wanted.length > 1 ? `${brevitasToParvusKey(name)}[${i}]` : brevitasToParvusKey(name);
        mismatches.value(await snapshotValue(got[i] as Value, integers), wanted[i] as FixtureValue, `${what} ${label}`, isAfterAccumulation(brevitasToParvusKey(name)) ? tolerance : {});
      }
    }
    await mismatches.quantState(model, step.quant_state_after, `${what} state`, (path) => (isAfterAccumulation(path) ? tolerance : {}));
  } finally {
    for (const name of proxyNames) delete (model.getSubmodule(brevitasToParvusKey(name)) as { forward?: unknown }).forward;
    const seen = new Set<Value>();
    for (const v of [output, ...intermediates, ...inputs]) {
      if (v && !seen.has(v)) {
        seen.add(v);
        disposeValue(v);
      }
    }
  }
}

/** Build the case's module, then run every step on it. */
export async function runModuleCase(c: ModuleCase, context: CaseContext, comparison: FixtureComparison = 'exact'): Promise<void> {
  const tolerance = outputTolerance(c.module.class, c.params, context.tolerance);
  const oneStep = comparison === 'one-step';
  const integers = oneStep ? 'host' : 'core';
  const mismatches = new Mismatches(c.name, oneStep ? ONE_STEP : null);
  const model = buildModule(c.module);
  try {
    setParams(model, c.params);
    await mismatches.quantState(model, c.quant_state_initial, 'initial state');
    if (c.quant_weight !== undefined) {
      const quantWeight = (model as { quantWeight?: () => Value }).quantWeight;
      if (typeof quantWeight !== 'function') {
        mismatches.fail(`${c.module.class} has no quantWeight()`);
      } else {
        const qw = tidy(() => quantWeight.call(model));
        try {
          mismatches.value(await snapshotValue(qw, integers), c.quant_weight, 'quantWeight()');
        } finally {
          disposeValue(qw);
        }
      }
    }
    for (const [i, step] of c.steps.entries()) await runStep(model, step, i, mismatches, tolerance, integers);
  } finally {
    model.dispose();
  }
  mismatches.throwIfAny();
}

/** Every case of a module-case file, in file order. */
export function registerModuleCaseFile(suite: Suite, file: string, comparison: FixtureComparison = 'exact'): void {
  const fixture = loadFixture<FixtureFile<ModuleCase>>(file);
  for (const c of fixture.cases) {
    suite.test(brevitasTestId(file, c.name), (context) => runModuleCase(c, context, comparison));
  }
}
