/**
 * The Brevitas golden fixtures (fixtures/brevitas, from Brevitas 0.12.1): every case of every
 * file read here becomes one test, 'Brevitas/<file>/<case>', in file order. A case naming a
 * class or quantizer core does not export fails, naming it.
 */
import type { Suite } from '../suite.js';
import { registerModuleCaseFile } from './module-cases.js';
import { registerFunctionalTests } from './functional.js';
import { registerStatsLifecycleTests } from './stats-lifecycle.js';
import { registerGradientTests } from './gradients.js';
import { registerErrorTests } from './errors.js';
import { registerReprStateDictTests } from './repr-state-dict.js';
import { registerTutorialTests } from './tutorial.js';
import { registerQatEndToEndTests } from './qat-e2e.js';

export function registerBrevitasFixtureTests(suite: Suite): void {
  registerTutorialTests(suite);
  registerModuleCaseFile(suite, 'act_quantizers.json');
  registerModuleCaseFile(suite, 'activation_layers.json');
  registerModuleCaseFile(suite, 'weight_quantizers.json');
  registerModuleCaseFile(suite, 'bias_quant.json');
  registerModuleCaseFile(suite, 'layers.json');
  registerFunctionalTests(suite);
  registerStatsLifecycleTests(suite);
  registerErrorTests(suite);
  registerGradientTests(suite);
  registerReprStateDictTests(suite);
  registerQatEndToEndTests(suite);
}
