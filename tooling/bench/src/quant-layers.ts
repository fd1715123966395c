/** Quantized-layer figures (issue #5): a QuantIdentity's cost against PyTorch's fused fake quantization. */
import * as P from '@parvus/core';
import type { Figure } from './measure.js';
import { measure } from './measure.js';

/**
 * QuantIdentity with its default quantizer (Int8ActPerTensorFloat) in eval mode on 2^20 floats:
 * what Brevitas's QuantIdentity eval costs (10.2 ms on one thread here), against
 * torch.fake_quantize_per_tensor_affine (6.6 ms). Like the PyTorch figure it times the op, not a
 * copy of its result to a fresh array (the backends measured here compute synchronously).
 */
export function quantIdentityFigure(backend: string): Figure {
  const layer = new P.QuantIdentity();
  const x = P.keep(P.randn([1 << 20], { generator: new P.Generator(0) }));
  try {
    // A few training steps collect the statistics its scale starts from, as in use.
    P.noGrad(() => {
      for (let i = 0; i < 3; i++) P.tidy(() => void layer.forward(x));
    });
    layer.eval();
    return measure(`${backend}/quant-identity-int8-eval-1M`, () => P.noGrad(() => P.tidy(() => void layer.forward(x))), { runs: 30 });
  } finally {
    layer.dispose();
    x.dispose();
  }
}
