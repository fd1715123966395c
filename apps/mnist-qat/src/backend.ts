/**
 * Choosing the compute backend: `--backend NAME` imports the package that registers NAME with core
 * and activates it. The package is `@parvus/backend-NAME`, or for a backend that is one flavour of a
 * package, the package named by NAME's leading part: `tfjs-wasm` and `tfjs-cpu` come from
 * `@parvus/backend-tfjs`, `onnxruntime-webgpu` from `@parvus/backend-onnxruntime`. Backends are
 * optional packages; the error for a missing one lists those that are installed where this app can
 * import them.
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

/** The packages that may register backend `name`, most specific first: `tfjs-wasm` → backend-tfjs-wasm, backend-tfjs. */
export function candidatePackages(name: string): string[] {
  const parts = name.split('-');
  return parts.map((_, i) => `@parvus/${PREFIX}${parts.slice(0, parts.length - i).join('-')}`);
}

/**
 * Import the package that registers backend `name` (see candidatePackages) and make `name` the
 * active backend, waiting for it to initialise (tfjs and onnxruntime backends initialise
 * asynchronously). Returns its name.
 */
export async function loadBackend(name: string): Promise<string> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new BackendLoadError(`--backend '${name}' is not a backend name (lower-case letters, digits and '-'; e.g. 'reference').`);
  }
  const candidates = candidatePackages(name);
  let imported: string | null = null;
  for (const specifier of candidates) {
    try {
      await import(specifier);
    } catch (error) {
      if (isModuleNotFound(error, specifier)) continue;
      throw error;
    }
    imported = specifier;
    if (engine().registeredBackends().includes(name)) break;
  }
  if (imported === null) {
    const available = installedBackendPackages();
    const specifier = candidates[0] as string;
    throw new BackendLoadError(
      `Backend '${name}' is not available: the package ${specifier} is not installed for @parvus/mnist-qat` +
        `${candidates.length > 1 ? ` (nor ${candidates.slice(1).join(' or ')}, of which it could be a flavour)` : ''}. ` +
        `Available: ${available.length > 0 ? available.map((n) => `'${n}'`).join(', ') : 'none'}. ` +
        `Add it as a dependency of apps/mnist-qat (pnpm add ${specifier} --filter @parvus/mnist-qat) to use it.`,
    );
  }
  const registered = engine().registeredBackends();
  if (!registered.includes(name)) {
    throw new BackendLoadError(
      `${imported} was imported but registered no backend named '${name}'. Registered backends: ${registered.map((n) => `'${n}'`).join(', ') || 'none'}.`,
    );
  }
  try {
    await setBackend(name);
  } catch (error) {
    throw new BackendLoadError((error as Error).message);
  }
  return name;
}
