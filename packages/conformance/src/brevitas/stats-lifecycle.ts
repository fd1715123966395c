/**
 * stats_lifecycle.json: the life of ParameterFromRuntimeStatsScaling (and of the zero point of
 * shifted quantizers) over a whole collection phase. Step i is a train forward on `batches[i]`,
 * then an eval forward on `probe`; every step's outputs, scales, zero points and statistics state
 * compare bit for bit. After the steps: an eval and a train forward on the probe, then the state
 * dict.
 */
import type { Module } from '@parvus/core';
import type { Suite } from '../suite.js';
import type { FixtureFile, FixtureTensor, LifecycleCase } from './fixtures.js';
import { loadFixture } from './fixtures.js';
import { decodeTensor } from './decode.js';
import type { ValueSnapshot } from './compare.js';
import { Mismatches, forwardSnapshot } from './compare.js';
import { buildModule } from './modules.js';
import { brevitasTestId } from './registry.js';

const FILE = 'stats_lifecycle.json';

/** The scale or zero point of a forward's result against the step's record of it. */
function compareField(mismatches: Mismatches, snapshot: ValueSnapshot, field: 'scale' | 'zeroPoint', expected: FixtureTensor, what: string): void {
  if (snapshot.kind !== 'IntQuantTensor') {
    mismatches.fail(`${what}: expected an IntQuantTensor, got a Tensor`);
    return;
  }
  mismatches.exact(snapshot[field], decodeTensor(expected, what), what);
}

async function runLifecycleCase(c: LifecycleCase): Promise<void> {
  const mismatches = new Mismatches(c.name);
  const model: Module = buildModule(c.module);
  try {
    for (const step of c.steps) {
      const batch = c.batches[step.step];
      if (!batch) throw new Error(`${c.name}: step ${step.step} has no batch`);
      const what = `step ${step.step}`;
      model.train();
      const train = await forwardSnapshot(model, [batch], what);
      if (step.train_output) mismatches.value(train, step.train_output, `${what} train output`);
      compareField(mismatches, train, 'scale', step.train_scale, `${what} train scale`);
      compareField(mismatches, train, 'zeroPoint', step.train_zero_point, `${what} train zeroPoint`);
      model.eval();
      const probe = await forwardSnapshot(model, [c.probe], `${what} probe`);
      if (step.eval_output_after) mismatches.value(probe, step.eval_output_after, `${what} eval output`);
      compareField(mismatches, probe, 'scale', step.eval_scale_after, `${what} eval scale`);
      compareField(mismatches, probe, 'zeroPoint', step.eval_zero_point_after, `${what} eval zeroPoint`);
      await mismatches.quantState(model, step.quant_state_after, `${what} state`);
      // A lifecycle gone wrong goes wrong at every later step too: report the first ones only.
      if (mismatches.count > 12) break;
    }
    model.eval();
    mismatches.value(await forwardSnapshot(model, [c.probe], 'final eval'), c.final_eval, 'final eval output');
    model.train();
    mismatches.value(await forwardSnapshot(model, [c.probe], 'final train'), c.final_train, 'final train output');
    const expected = Object.entries(c.state_dict).map(([key, entry]) => ({ key, value: entry.value }));
    await mismatches.stateDict(model, expected, 'stateDict()');
  } finally {
    model.dispose();
  }
  mismatches.throwIfAny();
}

export function registerStatsLifecycleTests(suite: Suite): void {
  const fixture = loadFixture<FixtureFile<LifecycleCase>>(FILE);
  for (const c of fixture.cases) {
    suite.test(brevitasTestId(FILE, c.name), () => runLifecycleCase(c));
  }
}
