import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { CALENDAR_NAME } from '../conflicts/ClashNote.tsx';

export interface SyncItem {
  eventId: string;
  connectionId: string;
  kind: string;
  state: string;
  lastError: string | null;
}

const SYNC_LABEL: Record<string, string> = {
  synced: 'synced',
  pending: 'pending',
  failed: 'failed',
  removed: 'removed',
  deleted_by_person: 'you deleted it there; we leave it that way',
};

/** Where each copy of the event stands in the visitor's calendars, with a retry for failures. */
export function SyncStatus({ items, onChange }: { items: SyncItem[]; onChange: () => void }) {
  const [note, setNote] = useState('');
  async function retry(item: SyncItem) {
    try {
      await api(`/api/v1/me/sync/${encodeURIComponent(item.connectionId)}/${encodeURIComponent(item.eventId)}/retry`, { method: 'POST' });
      setNote(`Trying ${CALENDAR_NAME[item.kind] ?? item.kind} again…`);
      onChange();
    } catch (err) {
      setNote(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not retry just now.');
    }
  }
  if (items.length === 0) return null;
  return (
    <>
      <ul class="sync-status" aria-label="In your connected calendars">
        {items.map((s) => (
          <li key={s.connectionId}>
            {CALENDAR_NAME[s.kind] ?? s.kind}: {SYNC_LABEL[s.state] ?? s.state}
            {s.lastError && s.state !== 'synced' ? ` (${s.lastError})` : ''}
            {s.state === 'failed' && (
              <button type="button" class="button small" onClick={() => void retry(s)}>
                Retry
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="muted" aria-live="polite">
        {note}
      </p>
    </>
  );
}
