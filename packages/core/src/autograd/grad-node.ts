import type { Tensor } from '../engine/tensor.js';

/**
 * Computes the gradients of one recorded operation. It receives the gradient of the (first) output
 * and returns, per input, a thunk that computes that input's gradient (or null: no gradient).
 * Thunks are only called for inputs that require grad.
 */
export type GradFunc = (dy: Tensor, node: GradNode) => Array<(() => Tensor) | null>;

/** One recorded operation of the autograd graph (PyTorch's grad_fn). */
export interface GradNode {
  /** The kernel, or the name of a custom (straight-through) function. */
  readonly kernelName: string;
  readonly inputs: readonly Tensor[];
  /** Versions of the inputs when recorded; an `assign` in between makes backward refuse. */
  readonly inputVersions: readonly number[];
  readonly outputs: readonly Tensor[];
  readonly attrs: object;
  readonly gradFunc: GradFunc | null;
  /** Set once backward has run through this node (unless the graph was retained). */
  released: boolean;
}
