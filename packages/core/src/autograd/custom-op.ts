import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { recordNode } from './record.js';

/**
 * An op with a hand-written gradient (PyTorch's autograd.Function). `forward` runs without
 * recording; `backward` maps the output gradient to one gradient (or null) per input.
 */
export function customOp(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  backward: (dy: Tensor, inputs: readonly Tensor[], output: Tensor) => Array<Tensor | null>,
): Tensor {
  const e = engine();
  let output = e.withoutGrad(forward);
  // The output must be its own tensor: it gets a grad node of its own.
  if (inputs.includes(output)) output = e.makeView(output, output.shape);
  if (e.gradEnabled) {
    recordNode(name, inputs, [output], {}, (dy, node) => {
      let grads: Array<Tensor | null> | null = null;
      return node.inputs.map((_, i) => () => {
        grads ??= backward(dy, node.inputs, output);
        return grads[i] as Tensor;
      });
    });
  }
  return output;
}
