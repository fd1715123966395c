import type { KernelConfig, KernelFunc } from './backend.js';

const kernels = new Map<string, KernelConfig<never>>();

function keyOf(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

/** Register a kernel for a backend. Registering the same pair twice is an error (two copies loaded?). */
export function registerKernel<A>(config: KernelConfig<A>): void {
  const key = keyOf(config.kernelName, config.backendName);
  if (kernels.has(key)) {
    throw new Error(
      `Kernel '${config.kernelName}' is already registered for backend '${config.backendName}'. ` +
        'Is the backend package loaded twice?',
    );
  }
  kernels.set(key, config as KernelConfig<never>);
}

export function unregisterKernel(kernelName: string, backendName: string): void {
  kernels.delete(keyOf(kernelName, backendName));
}

export function getKernel(kernelName: string, backendName: string): KernelFunc<never> | undefined {
  return kernels.get(keyOf(kernelName, backendName))?.kernelFunc;
}

export function hasKernel(kernelName: string, backendName: string): boolean {
  return kernels.has(keyOf(kernelName, backendName));
}

/** Names of the kernels registered for one backend. */
export function getKernelsForBackend(backendName: string): string[] {
  const names: string[] = [];
  for (const config of kernels.values()) {
    if (config.backendName === backendName) names.push(config.kernelName);
  }
  return names;
}
