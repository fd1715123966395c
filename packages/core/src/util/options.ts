/** Validation of options objects (one per constructor; unknown keys are errors). */
import { ValueError } from '../errors/errors.js';

/**
 * Throw on an options value that is not a plain object, on unknown keys and on missing required
 * keys. `what` names the class (`Conv2d`), so the message says where the bad option went;
 * `example` shows the call when the options are not the only argument
 * (default `new ${what}({ ...known })`).
 */
export function checkOptionKeys(
  what: string,
  options: unknown,
  known: readonly string[],
  required: readonly string[] = [],
  example = `new ${what}({ ${known.join(', ')} })`,
): void {
  if (options === undefined && required.length === 0) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`${what}: expected one options object, e.g. ${example}, got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${what}: unknown option '${key}'. Known options: ${known.length > 0 ? known.join(', ') : 'none'}.`,
      );
    }
  }
  for (const key of required) {
    if ((options as Record<string, unknown>)[key] === undefined) {
      throw new ValueError(`${what}: option '${key}' is required.`);
    }
  }
}

/** A value as an error message shows it: `'text'`, `an array [1, 2]`, `undefined`. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array [${value.map(String).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
