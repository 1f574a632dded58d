import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { CALENDAR_NAME } from '../conflicts/ClashNote.tsx';
import { relativeTime } from '../format.ts';

interface SyncCounts {
  synced: number;
  pending: number;
  failed: number;
  failures: { kind: string; reason: string | null; since: string }[];
}

/** For the organizer: how the event's copies in people's calendars stand, and a retry for failures. */
export function CopiesPanel({ eventId }: { eventId: string }) {
  const [counts, setCounts] = useState<SyncCounts | null>(null);
  const [note, setNote] = useState('');
  const load = () =>
    api<SyncCounts>(`/api/v1/events/${encodeURIComponent(eventId)}/sync`)
      .then(setCounts)
      .catch(() => setNote('Sync status could not be loaded.'));
  useEffect(() => void load(), [eventId]);

  async function retry() {
    try {
      const { retried } = await api<{ retried: number }>(`/api/v1/events/${encodeURIComponent(eventId)}/sync/retry`, { method: 'POST' });
      setNote(`Trying ${retried} ${retried === 1 ? 'copy' : 'copies'} again.`);
      await load();
    } catch (err) {
      setNote(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not retry.');
    }
  }

  return (
    <section aria-labelledby="copies-title" class="copies">
      <h2 id="copies-title">In people's calendars</h2>
      {counts && (
        <p data-testid="copy-counts">
          {counts.synced} synced, {counts.pending} pending, {counts.failed} failed
        </p>
      )}
      {counts && counts.failures.length > 0 && (
        <>
          <ul>
            {counts.failures.map((f, i) => (
              <li key={i}>
                {CALENDAR_NAME[f.kind] ?? f.kind}: {f.reason ?? 'failed'} ({relativeTime(f.since)})
              </li>
            ))}
          </ul>
          <button type="button" class="button" onClick={() => void retry()}>
            Retry failed copies
          </button>
        </>
      )}
      <p class="muted" aria-live="polite">
        {note}
      </p>
    </section>
  );
}
