/**
 * Choosing the compute backend: `--backend NAME` imports `@parvus/backend-NAME` (which registers
 * the backend with core) and activates it. Backends are optional packages; the error for a
 * missing one lists those that are installed where this app can import them.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { engine, setBackend } from '@parvus/core';

const PREFIX = 'backend-';

/** The backend packages importable from this app: `@parvus/backend-*` on its module search path. */
export function installedBackendPackages(): string[] {
  const require = createRequire(import.meta.url);
  const found = new Set<string>();
  for (const folder of require.resolve.paths('@parvus/core') ?? []) {
    let entries: string[];
    try {
      entries = readdirSync(join(folder, '@parvus'));
    } catch {
      continue;
    }
    for (const entry of entries) if (entry.startsWith(PREFIX)) found.add(entry.slice(PREFIX.length));
  }
  return [...found].sort();
}

export class BackendLoadError extends Error {
  override readonly name = 'BackendLoadError';
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(specifier);
}

/** Import `@parvus/backend-<name>` and make `name` the active backend. Returns its name. */
export async function loadBackend(name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new BackendLoadError(`--backend '${name}' is not a backend name (lower-case letters, digits and '-'; e.g. 'reference').`);
  }
  const specifier = `@parvus/${PREFIX}${name}`;
  try {
    await import(specifier);
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw error;
    const available = installedBackendPackages();
    throw new BackendLoadError(
      `Backend '${name}' is not available: the package ${specifier} is not installed for @parvus/mnist-qat. ` +
        `Available: ${available.length > 0 ? available.map((n) => `'${n}'`).join(', ') : 'none'}. ` +
        `Add it as a dependency of apps/mnist-qat (pnpm add ${specifier} --filter @parvus/mnist-qat) to use it.`,
    );
  }
  const registered = engine().registeredBackends();
  if (!registered.includes(name)) {
    throw new BackendLoadError(
      `${specifier} was imported but registered no backend named '${name}'. Registered backends: ${registered.map((n) => `'${n}'`).join(', ') || 'none'}.`,
    );
  }
  await setBackend(name);
  return name;
}
