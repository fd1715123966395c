// The suite once more on tfjs-wasm with every shortcut off, as GPU backends and tfjs-node run it:
// tfjs ops only (no loops over host data, no SIMD module: pooling, im2col, sums, FakeQuantize as
// tfjs-op composites) and no probed native semantics (the exact round, clamp, relu, maximum and
// reduction composites).
import { describeBackendConformance } from '@parvus/conformance';
import { registerKernel } from '@parvus/core';
import { CONSERVATIVE_SEMANTICS, TfjsBackend, createTfjsBackend, tfjsKernelConfigs } from '../src/index.js';

const NAME = 'tfjs-wasm-exact-composites';
for (const config of tfjsKernelConfigs) registerKernel({ ...config, backendName: NAME });

const TANH =
  "tfjs's own tanh (what GPU backends and tfjs-node run) is within the contract's transcendental tolerance " +
  'but not correctly rounded, and this fixture compares float outputs bit for bit (tfjs-wasm and tfjs-cpu ' +
  'compute Math.tanh on host data and pass it)';

describeBackendConformance(NAME, async () => {
  await createTfjsBackend('tfjs-wasm'); // initialises tfjs's wasm backend
  return new TfjsBackend(NAME, 'wasm', { semantics: CONSERVATIVE_SEMANTICS, hostKernels: false });
}, {
  skip: {
    'Brevitas/activation_layers/QuantTanh_disabled_float_in': TANH,
    'Brevitas/activation_layers/QuantTanh_disabled_qt_in_float_out': TANH,
    'KthValue/tie-index-as-torch': 'tfjs ops have no quickselect: among tied values the op path returns the ' +
      '(k − #smaller)-th occurrence, which is torch\'s index only sometimes (host backends run torch\'s quickselect)',
  },
});
