import type { GradConfig } from '../autograd/gradient-registry.js';
import { FAKE_QUANTIZE_STE_CLAMP } from '../ops/fake-quantize.js';
import { fakeQuantizeGradFunc } from './FakeQuantize_grad.js';

/**
 * Fake quantization whose clamp is straight-through (Brevitas's weights): y = (c − zp)·s with
 * c = clampSte(roundSte(x/s + zp)), so dy/dx = 1, dy/ds = (c − zp) − x/s and dy/dzp = 0.
 */
export const fakeQuantizeSteClampGradConfig: GradConfig = {
  kernelName: FAKE_QUANTIZE_STE_CLAMP,
  gradFunc: fakeQuantizeGradFunc(true),
};
