import { existsSync } from 'node:fs';
import { parvusVitestConfig } from '@parvus/vitest-config';

// WebGPU in Node (test/webgpu.test.ts) runs on Dawn, which needs a Vulkan driver. Where Debian's
// chromium package is installed, its SwiftShader driver and its libvulkan.so.1 serve; the test
// processes are forked after this file runs, so they inherit these variables (the dynamic loader
// reads LD_LIBRARY_PATH at process start).
const chromium = '/usr/lib/chromium';
if (existsSync(`${chromium}/vk_swiftshader_icd.json`)) {
  process.env.VK_ICD_FILENAMES ??= `${chromium}/vk_swiftshader_icd.json`;
  if (!existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') && !(process.env.LD_LIBRARY_PATH ?? '').includes(chromium)) {
    process.env.LD_LIBRARY_PATH = [process.env.LD_LIBRARY_PATH, chromium].filter(Boolean).join(':');
  }
}

export default parvusVitestConfig({ testTimeout: 120_000 });
