import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { DTypeError } from '../errors/errors.js';

/**
 * Make `value` a trainable leaf (torch.nn.Parameter): it requires grad and survives `tidy` (it is
 * kept). A fresh leaf is adopted as it is; a tensor computed on the graph is detached first
 * (sharing its storage). Dispose parameters when the model is done with them.
 */
export function parameter(value: Tensor): Tensor {
  if (value.dtype !== 'float32') throw new DTypeError(`A parameter must be float32, got ${value.dtype}.`);
  const e = engine();
  const p = value.gradFn === null && !value.requiresGrad ? value : e.makeView(value, value.shape);
  e.keep(p);
  p.requiresGrad = true;
  return p;
}
