/**
 * ONNX's own checker (onnx.checker.check_model), from Debian's python3-onnx. Tests that use it are
 * skipped, with the reason, where it is not installed (`apt-get install -y python3-onnx`).
 *
 * One Python process per test file checks every model (length-prefixed bytes on stdin, one line
 * per model on stdout): starting Python for each model would cost more than the tests themselves.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

const CHECKER = `
import struct, sys, onnx
source, sink = sys.stdin.buffer, sys.stdout
while True:
    header = source.read(4)
    if len(header) < 4:
        break
    data = source.read(struct.unpack('<I', header)[0])
    try:
        onnx.checker.check_model(onnx.load_model_from_string(data))
        sink.write('ok\\n')
    except Exception as error:
        sink.write('error: ' + ' '.join(str(error).split()) + '\\n')
    sink.flush()
`;

function probe(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const result = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
  return result.status === 0 ? null : 'python3-onnx is not installed (apt-get install -y python3-onnx)';
}

/** Null when the checker can run, else why not. */
export const checkerUnavailable = probe();

let checker: { child: ChildProcessWithoutNullStreams; pending: Array<(line: string) => void> } | null = null;

function start(): NonNullable<typeof checker> {
  const child = spawn(PYTHON, ['-c', CHECKER]);
  const pending: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      pending.shift()?.(line);
    }
  });
  child.on('exit', (code) => {
    for (const resolve of pending.splice(0)) resolve(`error: the checker process exited (${code})`);
    checker = null;
  });
  // The process must not keep the test worker alive; it ends when its stdin closes.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr] as Array<{ unref?: () => void }>) stream.unref?.();
  return { child, pending };
}

/** Run onnx.checker.check_model on the bytes; rejects with the checker's message when it refuses them. */
export async function checkModel(bytes: Uint8Array): Promise<void> {
  checker ??= start();
  const { child, pending } = checker;
  const line = await new Promise<string>((resolve) => {
    pending.push(resolve);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(bytes.length);
    child.stdin.write(header);
    child.stdin.write(bytes);
  });
  if (line !== 'ok') throw new Error(`onnx.checker rejected the model: ${line.replace(/^error: /, '')}`);
}

const exported: Array<{ label: string; bytes: Uint8Array }> = [];

/** Remember a model for the file's checker test (see checkerAcceptsEveryModel); returns the bytes. */
export function checked(label: string, bytes: Uint8Array): Uint8Array {
  exported.push({ label, bytes });
  return bytes;
}

/**
 * The test that runs onnx.checker on every model the file's tests exported; call it after them
 * (vitest runs a file's tests in order). Skipped, with the reason, without python3-onnx.
 */
export function checkerAcceptsEveryModel(it: {
  skipIf(condition: boolean): (name: string, fn: () => Promise<void>) => void;
}): void {
  const title = `onnx.checker accepts every model exported above${checkerUnavailable ? ` (skipped: ${checkerUnavailable})` : ''}`;
  it.skipIf(checkerUnavailable !== null)(title, async () => {
    if (exported.length === 0) throw new Error('no model was exported');
    const rejected: string[] = [];
    for (const { label, bytes } of exported) {
      await checkModel(bytes).catch((error: Error) => rejected.push(`${label}: ${error.message}`));
    }
    if (rejected.length > 0) throw new Error(`onnx.checker rejected ${rejected.length} of ${exported.length} models:\n${rejected.join('\n')}`);
  });
}
