import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { AutogradError } from '../errors/errors.js';
import { formatShape, shapesEqual } from '../util/shape.js';
import { onesLike } from '../ops/creation.js';
import { add } from '../ops/binary.js';
import type { GradNode } from './grad-node.js';

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (PyTorch's retain_graph). */
  retainGraph?: boolean;
}

/** Nodes reachable from `root`, each after every node that consumes its outputs. */
function topologicalOrder(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const visited = new Set<GradNode>();
  const stack: Array<[GradNode, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [GradNode, number];
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1]++;
      const parent = (node.inputs[next] as Tensor).gradFn;
      if (parent && !visited.has(parent)) {
        visited.add(parent);
        stack.push([parent, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

function accumulateLeaf(leaf: Tensor, grad: Tensor): void {
  const e = engine();
  if (leaf.grad) {
    const sum = add(leaf.grad, grad);
    leaf.grad.dispose();
    leaf.grad = e.keep(sum);
  } else {
    leaf.grad = e.keep(e.makeView(grad, grad.shape));
  }
}

/**
 * Backpropagate from `root`: gradients accumulate (add) into the `grad` of every leaf that
 * requires grad. `upstream` defaults to ones for a one-element root.
 */
export function backward(root: Tensor, upstream?: Tensor, options: BackwardOptions = {}): void {
  const e = engine();
  root.throwIfDisposed();
  if (!root.requiresGrad) {
    throw new AutogradError(
      'backward() called on a tensor that does not require grad: no parameter with requiresGrad ' +
        'took part in computing it (or it was computed inside noGrad).',
    );
  }
  if (upstream) {
    if (!shapesEqual(upstream.shape, root.shape)) {
      throw new AutogradError(`backward(): upstream gradient ${formatShape(upstream.shape)} does not match the output ${formatShape(root.shape)}.`);
    }
  } else if (root.size !== 1) {
    throw new AutogradError(
      `backward() without an upstream gradient needs a one-element output, got ${formatShape(root.shape)}. ` +
        'Reduce it (e.g. mean) or pass the gradient of the output.',
    );
  }
  e.withoutGrad(() => {
    e.startScope('backward');
    try {
      const seed = upstream ? e.makeView(upstream, upstream.shape) : onesLike(root);
      if (!root.gradFn) {
        accumulateLeaf(root, seed);
        return;
      }
      const grads = new Map<Tensor, Tensor>([[root, seed]]);
      for (const node of topologicalOrder(root.gradFn)) {
        runNode(node, grads, options.retainGraph ?? false);
      }
    } finally {
      e.endScope();
    }
  });
}

function runNode(node: GradNode, grads: Map<Tensor, Tensor>, retainGraph: boolean): void {
  const e = engine();
  const output = node.outputs[0] as Tensor;
  const dy = grads.get(output);
  if (!dy) return;
  grads.delete(output);
  if (node.released) {
    throw new AutogradError(
      `Trying to backward through the graph a second time (at '${node.kernelName}'). ` +
        'Pass { retainGraph: true } to the first backward() if you need to.',
    );
  }
  if (!node.gradFunc) {
    throw new AutogradError(`No gradient is defined for kernel '${node.kernelName}', so it cannot be backpropagated through.`);
  }
  node.inputs.forEach((input, i) => {
    if (!input.requiresGrad) return;
    if (input.isDisposed) {
      throw new AutogradError(
        `A tensor saved for the gradient of '${node.kernelName}' was disposed before backward(). ` +
          'Call backward() inside the same tidy() as the forward pass.',
      );
    }
    if (input.version !== node.inputVersions[i]) {
      throw new AutogradError(
        `A tensor needed for the gradient of '${node.kernelName}' was modified in place (assign) after it was used.`,
      );
    }
  });
  const thunks = node.gradFunc(dy, node);
  node.inputs.forEach((input, i) => {
    if (!input.requiresGrad) return;
    const thunk = thunks[i];
    if (!thunk) return;
    e.startScope('gradient');
    let grad: Tensor | null = null;
    try {
      grad = thunk();
    } finally {
      e.endScope(grad);
    }
    if (!grad) return;
    if (!shapesEqual(grad.shape, input.shape)) {
      throw new AutogradError(
        `The gradient of '${node.kernelName}' for input ${i} has shape ${formatShape(grad.shape)}, but the input has ${formatShape(input.shape)}.`,
      );
    }
    if (input.gradFn === null) {
      accumulateLeaf(input, grad);
    } else {
      const previous = grads.get(input);
      grads.set(input, previous ? add(previous, grad) : grad);
    }
  });
  if (!retainGraph) node.released = true;
}
