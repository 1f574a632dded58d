import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVisitorUseCases } from '../../src/app/visitors.ts';
import type { VisitorRepository } from '../../src/infra/db/visitor-repository.ts';
import type { EventRepository } from '../../src/infra/db/event-repository.ts';

// Feed health is recorded after the answer, without waiting. Two fetches of one client in quick
// succession (a 200, then a 304) must be written in that order, or "last status" shows the 200:
// CI met that on PostgreSQL when the first write happened to take longer.

describe('feed health writes', () => {
  it('writes one client’s fetches in the order they were answered, whatever each write takes', async () => {
    const applied: number[] = [];
    const delays = [40, 0, 0];
    const visitors = {
      async recordFeedFetch(_visitorId: string, _client: string, status: number) {
        await new Promise((r) => setTimeout(r, delays.shift() ?? 0));
        applied.push(status);
      },
    } as unknown as VisitorRepository;
    const useCases = createVisitorUseCases({ visitors, events: {} as EventRepository });
    await Promise.all([useCases.recordFeedFetch('v1', 'google', 200), useCases.recordFeedFetch('v1', 'google', 304), useCases.recordFeedFetch('v1', 'google', 304)]);
    assert.deepEqual(applied, [200, 304, 304]);
  });

  it('a failed write does not stop the next one', async () => {
    const applied: number[] = [];
    let first = true;
    const visitors = {
      async recordFeedFetch(_visitorId: string, _client: string, status: number) {
        if (first) {
          first = false;
          throw new Error('database busy');
        }
        applied.push(status);
      },
    } as unknown as VisitorRepository;
    const useCases = createVisitorUseCases({ visitors, events: {} as EventRepository });
    const failed = useCases.recordFeedFetch('v1', 'apple', 200);
    await assert.rejects(failed, /database busy/);
    await useCases.recordFeedFetch('v1', 'apple', 304);
    assert.deepEqual(applied, [304]);
  });
});
