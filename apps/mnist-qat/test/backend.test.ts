import { getBackend } from '@parvus/core';
import { describe, expect, it } from 'vitest';
import { BackendLoadError, candidatePackages, installedBackendPackages, loadBackend } from '../src/backend.js';

describe('--backend', () => {
  it('imports and activates the reference backend', async () => {
    expect(installedBackendPackages()).toContain('reference');
    await expect(loadBackend('reference')).resolves.toBe('reference');
    expect(getBackend()).toBe('reference');
  });

  it('finds a flavour in its package: tfjs-wasm in @parvus/backend-tfjs', () => {
    expect(candidatePackages('reference')).toEqual(['@parvus/backend-reference']);
    expect(candidatePackages('tfjs-wasm')).toEqual(['@parvus/backend-tfjs-wasm', '@parvus/backend-tfjs']);
    expect(candidatePackages('onnxruntime-webgpu')).toEqual(['@parvus/backend-onnxruntime-webgpu', '@parvus/backend-onnxruntime']);
    expect(installedBackendPackages()).toContain('tfjs');
  });

  it('names the backends that are available when one is not', async () => {
    const error = await loadBackend('no-such-backend').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendLoadError);
    expect((error as Error).message).toMatch(/Backend 'no-such-backend' is not available: the package @parvus\/backend-no-such-backend is not installed/);
    expect((error as Error).message).toMatch(/Available: .*'reference'/);
    await expect(loadBackend('../core')).rejects.toThrow(/not a backend name/);
    await expect(loadBackend('tfjs-')).rejects.toThrow(/not a backend name/);
  });
});
