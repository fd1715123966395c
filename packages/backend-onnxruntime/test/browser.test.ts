/**
 * The package in a browser: bundled with vite, loaded by headless Chromium (Debian's chromium,
 * driven by playwright-core) with WebGPU enabled, it runs conv2d forward and backward on
 * 'onnxruntime-webgpu' and compares them with 'onnxruntime' (wasm) in the same page. Skipped, with
 * the reason, where /usr/bin/chromium is not installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvRun, PageGlobals } from './browser/page.js';

const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/webgpu'));

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

function close(actual: number[], expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const largest = Math.max(...expected.map(Math.abs), 1e-6);
  const worst = Math.max(...expected.map((v, i) => Math.abs((actual[i] as number) - v)));
  expect(worst, `${what}: largest difference, relative to the largest element ${largest}`).toBeLessThanOrEqual(1e-4 * largest);
}

describe.skipIf(!existsSync(CHROMIUM))('in headless Chromium (WebGPU)', () => {
  let bundleDir = '';
  let server: ReturnType<typeof createServer> | null = null;
  let url = '';

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'parvus-ort-browser-'));
    const { build } = await import('vite');
    await build({
      configFile: false,
      logLevel: 'error',
      root: join(here, 'browser'),
      build: {
        outDir: bundleDir,
        emptyOutDir: true,
        target: 'esnext',
        minify: false,
        lib: { entry: join(here, 'browser', 'page.ts'), formats: ['es'], fileName: () => 'page.js' },
        // @parvus/core declares only its index as having side effects, but its index imports the
        // modules that install the Tensor methods and register the gradients: a bundler that trusts
        // the declaration drops them (reported to core). Keep every module's side effects.
      },
      plugins: [{
        name: 'keep-parvus-core-side-effects',
        transform: (code: string, id: string) => (id.includes('/packages/core/') ? { code, moduleSideEffects: true } : null),
      }],
    });
    server = createServer((request, response) => {
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
      const file = path === '/' ? null : path.startsWith('/ort/') ? join(ortDist, path.slice(5)) : join(bundleDir, path);
      // Cross-origin isolation, so that onnxruntime may use SharedArrayBuffer.
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (file === null) {
        response.setHeader('Content-Type', 'text/html');
        response.end('<!doctype html><script type="module" src="/page.js"></script>');
      } else if (existsSync(file) && (file.startsWith(bundleDir) || file.startsWith(ortDist))) {
        response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        response.end(readFileSync(file));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server?.address() as AddressInfo).port}/`;
  }, 120_000);

  afterAll(() => {
    server?.close();
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it('runs conv2d forward and backward on onnxruntime-webgpu, matching wasm', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(url);
      await page.waitForFunction(() => typeof (globalThis as PageGlobals).parvusConvCheck === 'function', undefined, { timeout: 30_000 });
      const check = (name: string): Promise<ConvRun> => page.evaluate((n) => (globalThis as PageGlobals).parvusConvCheck?.(n) as Promise<ConvRun>, name);
      const gpu = await check('onnxruntime-webgpu');
      const cpu = await check('onnxruntime');
      expect(errors).toEqual([]);
      expect(gpu.backend).toBe('onnxruntime-webgpu');
      expect(gpu.location, 'the conv output stays in a GPU buffer').toBe('gpu-buffer');
      expect(cpu.location).toBe('cpu');
      expect(gpu.y.length).toBe(2 * 4 * 4 * 4);
      close(gpu.y, cpu.y, 'conv2d output');
      close(gpu.dx, cpu.dx, 'input gradient');
      close(gpu.dw, cpu.dw, 'weight gradient');
      close(gpu.db, cpu.db, 'bias gradient');
    } finally {
      await browser.close();
    }
  }, 180_000);
});

if (!existsSync(CHROMIUM)) {
  describe('in headless Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`, () => undefined);
  });
}
