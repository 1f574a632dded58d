import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFeedVersions } from '../../src/app/feed-versions.ts';
import type { FeedState } from '../../src/core/feeds/feed.ts';
import type { FeedChanges } from '../../src/infra/db/feed-changes.ts';

// The rules that make a version held in memory safe to answer from, with a hand-driven
// change source and database.

function fakeChanges() {
  const listeners = new Set<(key: string | null) => void>();
  const changes: Omit<FeedChanges, 'live'> & { live: boolean; tell(key: string | null): void; setLive(live: boolean): void } = {
    live: true,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: async () => undefined,
    tell: (key) => listeners.forEach((l) => l(key)),
    setLive(live) {
      this.live = live;
    },
  };
  return changes;
}

const state = (revision: number): FeedState => ({ feedKey: 'all', revision, changedAt: revision * 1000 });

describe('feed versions held in memory', () => {
  it('holds what it read until a change to that feed arrives', async () => {
    const changes = fakeChanges();
    let reads = 0;
    const versions = createFeedVersions({ read: async () => (reads++, state(1)), changes });
    assert.equal(versions.held('all'), undefined);
    await versions.read('all');
    assert.deepEqual(versions.held('all'), state(1));
    changes.tell('category:music');
    assert.deepEqual(versions.held('all'), state(1), 'another feed changed');
    changes.tell('all');
    assert.equal(versions.held('all'), undefined);
    assert.equal(reads, 1);
  });

  it('does not keep a read that a change overtook (it may have seen the old row)', async () => {
    const changes = fakeChanges();
    let finish: (s: FeedState) => void = () => undefined;
    const versions = createFeedVersions({ read: () => new Promise<FeedState>((resolve) => (finish = resolve)), changes });
    const reading = versions.read('all');
    changes.tell('all');
    finish(state(1));
    assert.deepEqual(await reading, state(1), 'the caller still gets its answer');
    assert.equal(versions.held('all'), undefined, 'but it is not held');
  });

  it('trusts nothing while the change listener is down, and forgets everything when it is back', async () => {
    const changes = fakeChanges();
    const versions = createFeedVersions({ read: async () => state(1), changes });
    await versions.read('all');
    changes.setLive(false);
    assert.equal(versions.held('all'), undefined);
    await versions.read('all');
    changes.setLive(true);
    assert.equal(versions.held('all'), undefined, 'read while down: not held');
    await versions.read('all');
    changes.tell(null);
    assert.equal(versions.held('all'), undefined, 'everything forgotten');
  });
});
