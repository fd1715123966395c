/**
 * The package in a browser: bundled with vite, loaded by headless Chromium (Debian's chromium,
 * driven by playwright-core) with WebGPU enabled, it runs on 'onnxruntime-webgpu' and compares with
 * 'onnxruntime' (wasm) in the same page:
 *
 * - conv2d forward and backward: float results within 1e-4 of the largest element;
 * - QuantIdentity → QuantConv2d (QuantTensor input, 4-bit weights, Int32 bias, 8-bit output quantizer, returnQuantTensor) forward
 *   and backward in training mode: the output QuantTensor within one quantization step (integer
 *   codes |Δ| ≤ 1, values within one scale step, scale and zero point within ρ = 2^-15 relative,
 *   bit width and signedness exact: @parvus/conformance's ONE_STEP, justified there from WGSL's
 *   accuracy rules), the gradients of the input, weight and bias within 1e-4 of the largest
 *   element (the straight-through estimators pass gradients unchanged where the codes agree, so
 *   only the float kernels' error remains), and the output and the input's gradient in GPU buffers;
 * - five QAT steps of a small network (QuantIdentity → QuantConv2d with an Int32 bias → 4-bit
 *   QuantReLU → QuantLinear, crossEntropy, SGD) with no synchronous read anywhere: the loss falls,
 *   the eval-mode codes are valid 4-bit integers, the first loss is within 1e-3 of wasm's, and a
 *   class index out of range raises core's error at the next `data()`.
 *
 * Skipped, with the reason, where /usr/bin/chromium is not installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ONE_STEP } from '@parvus/conformance';
import type { ConvRun, PageGlobals, QuantConvRun, TrainingRun } from './browser/page.js';

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

/** Round half to even, as torch.round. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The integer codes of a per-tensor QuantTensor: round(value / scale + zeroPoint). */
function codesOf(run: QuantConvRun): number[] {
  const [scale, zeroPoint] = [run.scale[0] as number, run.zeroPoint[0] as number];
  return run.value.map((v) => roundHalfEven(Math.fround(Math.fround(v / scale) + zeroPoint)));
}

/** The output QuantTensor of WebGPU within one quantization step of wasm's (see the header). */
function withinOneStep(gpu: QuantConvRun, cpu: QuantConvRun): void {
  expect(gpu.bitWidth, 'bit width').toEqual(cpu.bitWidth);
  expect(gpu.signed, 'signedness').toBe(cpu.signed);
  expect(gpu.scale.length, 'a per-tensor scale').toBe(1);
  expect(gpu.zeroPoint.length, 'a per-tensor zero point').toBe(1);
  const [scale, zeroPoint] = [cpu.scale[0] as number, cpu.zeroPoint[0] as number];
  expect(Math.abs((gpu.scale[0] as number) - scale), `scale ${gpu.scale[0]} against ${scale}`).toBeLessThanOrEqual(ONE_STEP.rtol * Math.abs(scale));
  expect(Math.abs((gpu.zeroPoint[0] as number) - zeroPoint), 'zero point').toBeLessThanOrEqual(ONE_STEP.rtol * Math.abs(zeroPoint));
  const [gpuCodes, cpuCodes] = [codesOf(gpu), codesOf(cpu)];
  const bits = cpu.bitWidth[0] as number;
  const [lower, upper] = cpu.signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
  expect(cpuCodes.every((c) => c >= lower && c <= upper), 'wasm codes inside the bit width').toBe(true);
  expect(new Set(cpuCodes).size, 'the codes span more than a few levels').toBeGreaterThan(16);
  const far = cpuCodes.flatMap((c, i) => (Math.abs((gpuCodes[i] as number) - c) > ONE_STEP.codes ? [`[${i}] ${gpuCodes[i]} against ${c}`] : []));
  expect(far, 'integer codes more than one step apart').toEqual([]);
  const bound = (v: number): number => Math.abs(scale) * (1 + ONE_STEP.rtol) + ONE_STEP.rtol * Math.abs(v);
  const off = cpu.value.flatMap((v, i) => (Math.abs((gpu.value[i] as number) - v) > bound(v) ? [`[${i}] ${gpu.value[i]} against ${v}`] : []));
  expect(off, 'values more than one scale step apart').toEqual([]);
}

describe.skipIf(!existsSync(CHROMIUM))('in headless Chromium (WebGPU)', () => {
  let bundleDir = '';
  let server: ReturnType<typeof createServer> | null = null;
  let browser: Browser | null = null;
  let page: Page | null = null;
  const errors: string[] = [];

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
    const url = `http://127.0.0.1:${(server?.address() as AddressInfo).port}/`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as PageGlobals).parvusQuantConvCheck === 'function', undefined, { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it('runs conv2d forward and backward on onnxruntime-webgpu, matching wasm', async () => {
    const check = (name: string): Promise<ConvRun> => (page as Page).evaluate((n) => (globalThis as PageGlobals).parvusConvCheck?.(n) as Promise<ConvRun>, name);
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
  }, 180_000);

  it('runs QuantIdentity → QuantConv2d (QuantTensor input, 4-bit weights, Int32 bias, returnQuantTensor) forward and backward on onnxruntime-webgpu, within one step of wasm', async () => {
    const check = (name: string): Promise<QuantConvRun> => (page as Page).evaluate((n) => (globalThis as PageGlobals).parvusQuantConvCheck?.(n) as Promise<QuantConvRun>, name);
    const gpu = await check('onnxruntime-webgpu');
    const cpu = await check('onnxruntime');
    expect(errors).toEqual([]);
    expect(gpu.backend).toBe('onnxruntime-webgpu');
    expect(gpu.isQuantTensor && cpu.isQuantTensor, 'QuantConv2d returns an IntQuantTensor').toBe(true);
    expect(gpu.location, 'the output QuantTensor stays in a GPU buffer').toBe('gpu-buffer');
    expect(gpu.gradientLocation, 'the input gradient stays in a GPU buffer').toBe('gpu-buffer');
    expect(cpu.location).toBe('cpu');
    expect(gpu.value.length).toBe(2 * 4 * 8 * 8);
    withinOneStep(gpu, cpu);
    close(gpu.dx, cpu.dx, 'input gradient');
    close(gpu.dw, cpu.dw, 'weight gradient');
    close(gpu.db, cpu.db, 'bias gradient');
  }, 180_000);

  it('trains a small QAT network on onnxruntime-webgpu without synchronous reads; a bad label raises at the next read', async () => {
    const check = (name: string): Promise<TrainingRun> => (page as Page).evaluate((n) => (globalThis as PageGlobals).parvusTrainingCheck?.(n) as Promise<TrainingRun>, name);
    const gpu = await check('onnxruntime-webgpu');
    const cpu = await check('onnxruntime');
    expect(errors).toEqual([]);
    expect(gpu.backend).toBe('onnxruntime-webgpu');
    for (const run of [gpu, cpu]) {
      expect(run.losses.every(Number.isFinite), `${run.backend}: finite losses`).toBe(true);
      expect(run.losses[4] as number, `${run.backend}: the loss falls over five SGD steps`).toBeLessThan(run.losses[0] as number);
      expect(run.valid, `${run.backend}: the ReLU output is a valid QuantTensor`).toBe(true);
      expect(run.codes.every((c) => Number.isInteger(c) && c >= 0 && c <= 15), `${run.backend}: 4-bit unsigned codes`).toBe(true);
      expect(run.badLabelError, `${run.backend}: the deferred label check`).toBe('oneHot: class indices must be in [0, 2], got values in [0, 7].');
    }
    // The first loss comes before any update: WebGPU and wasm differ only by codes one step apart.
    expect(Math.abs((gpu.losses[0] as number) - (cpu.losses[0] as number))).toBeLessThanOrEqual(1e-3 * (cpu.losses[0] as number));
  }, 180_000);
});

if (!existsSync(CHROMIUM)) {
  describe('in headless Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`, () => undefined);
  });
}
