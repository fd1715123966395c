import { describe, expect, it } from 'vitest';
import * as core from '@parvus/core';
import '@parvus/backend-reference';

describe('probe', () => {
  it('works', () => {
    const t = core.tensor([1, 2, 3]);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    console.log(core.getBackend());
  });
});
