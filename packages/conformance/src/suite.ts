/**
 * The registry of conformance tests. Every test has an id '<Kernel>/<case>' (or '<op>/<case>' for
 * gradients of composite and straight-through functions, 'Engine/…', 'Training/…'); a backend
 * skips one by listing its id with a reason, and the skip shows in the report with that reason.
 */
import { it } from 'vitest';
import type { Backend } from '@parvus/core';
import { Random, seedOf } from './random.js';
import type { Tolerances } from './tolerance.js';
import { tolerancesFor } from './tolerance.js';

export interface CaseContext {
  /** A generator seeded from the test id. */
  readonly random: Random;
  readonly tolerance: Tolerances;
  readonly backend: Backend;
  readonly backendName: string;
  /** Skip at run time (e.g. an optional kernel the backend does not implement), with a note. */
  readonly skip: (note: string) => never;
}

export type CaseBody = (context: CaseContext) => Promise<void> | void;

export class Suite {
  /** Every registered id, in order. */
  readonly ids: string[] = [];
  private readonly known = new Set<string>();

  constructor(
    readonly backendName: string,
    private readonly skips: Readonly<Record<string, string>>,
    private readonly backend: () => Backend,
  ) {}

  /** Register test `id`, or its skip when `id` is listed in the backend's skips. */
  test(id: string, body: CaseBody, timeoutMs?: number): void {
    if (this.known.has(id)) throw new Error(`@parvus/conformance: duplicate test id '${id}'`);
    this.known.add(id);
    this.ids.push(id);
    const reason = this.skips[id];
    if (reason !== undefined) {
      it.skip(`${id} (skipped: ${reason})`, () => undefined);
      return;
    }
    it(id, async (context) => {
      const backend = this.backend();
      await body({
        random: new Random(seedOf(id)),
        tolerance: tolerancesFor(backend.floatPrecision()),
        backend,
        backendName: this.backendName,
        skip: (note: string) => context.skip(note),
      });
    }, timeoutMs);
  }

  has(id: string): boolean {
    return this.known.has(id);
  }
}
