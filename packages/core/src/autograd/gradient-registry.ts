import type { GradFunc } from './grad-node.js';

/**
 * The gradient table. Gradient definitions (gradients/*.ts) are written with the public ops and
 * register here; the engine reads the table, so it never imports the definitions.
 */
export interface GradConfig {
  kernelName: string;
  gradFunc: GradFunc;
}

const gradients = new Map<string, GradConfig>();

export function registerGradient(config: GradConfig): void {
  gradients.set(config.kernelName, config);
}

export function getGradient(kernelName: string): GradConfig | undefined {
  return gradients.get(kernelName);
}

export function registeredGradients(): string[] {
  return [...gradients.keys()];
}
