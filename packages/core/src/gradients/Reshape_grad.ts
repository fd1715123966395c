import type { GradConfig } from '../autograd/gradient-registry.js';
import { RESHAPE, reshape } from '../ops/shape.js';

/** Reshape is an engine-level view, recorded under its own name. */
export const reshapeGradConfig: GradConfig = {
  kernelName: RESHAPE,
  gradFunc: (dy, { attrs }) => [() => reshape(dy, (attrs as { shape: number[] }).shape)],
};
