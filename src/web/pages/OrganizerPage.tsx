import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type EventJson } from '../api.ts';
import { formatWhen } from '../format.ts';
import { EventForm } from './EventForm.tsx';
import { CopiesPanel } from '../components/CopiesPanel.tsx';
import { InviteCounts } from '../components/EmailInvites.tsx';
import { CancelDialog } from '../components/CancelDialog.tsx';
import { CancelOutcome } from '../components/CancelOutcome.tsx';
import { OccurrencesPanel } from '../components/OccurrencesPanel.tsx';
import { atNext, repeatsText } from '../series.ts';

// Organizer pages: sign in with the admin token, list every event with
// its SEQUENCE, create, edit (showing what changed and the new SEQUENCE, and how the copies in
// people's calendars stand) and cancel.

// The token is sent once to start an httpOnly session cookie and kept nowhere a script can read
// it; a key older pages left in sessionStorage is removed.
const OLD_TOKEN_KEY = 'calendar-club-admin-token';
const STATUS_LABEL: Record<string, string> = { confirmed: 'Confirmed', tentative: 'Tentative', cancelled: 'Cancelled' };
type Mode = { kind: 'list' } | { kind: 'new' } | { kind: 'edit'; event: EventJson };
interface Change {
  at: string;
  sequence: number;
  changed: string[];
}

export function OrganizerPage() {
  // null while asking the server whether this browser's organizer session is still valid.
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [events, setEvents] = useState<EventJson[]>([]);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState('');
  const [history, setHistory] = useState<Change[]>([]);

  async function load() {
    setEvents((await api<{ items: EventJson[] }>('/api/v1/events?includeCancelled=true&limit=200')).items);
  }
  useEffect(() => {
    sessionStorage.removeItem(OLD_TOKEN_KEY);
    api('/api/v1/admin/check').then(() => setSignedIn(true), () => setSignedIn(false));
  }, []);
  useEffect(() => {
    if (signedIn) load().catch(() => setNotice('Events could not be loaded.'));
  }, [signedIn]);

  async function login(e: Event) {
    e.preventDefault();
    const value = String(new FormData(e.target as HTMLFormElement).get('token') ?? '').trim();
    try {
      await api('/api/v1/admin/session', { method: 'POST', token: value });
      setSignedIn(true);
      setNotice('');
    } catch {
      setNotice('That token was not accepted.');
    }
  }

  async function showHistory(event: EventJson) {
    const h = await api<{ items: Change[] }>(`/api/v1/events/${encodeURIComponent(event.id)}/history`);
    setHistory(h.items);
  }

  async function saved(event: EventJson) {
    await showHistory(event);
    setMode({ kind: 'edit', event });
    // "Version" is the event's SEQUENCE, in words an organizer uses.
    setNotice(`Saved “${event.title}” (version ${event.sequence}).`);
    await load();
  }

  // Cancelling asks first (CancelDialog), then says what became of the copies and offers an undo.
  const [cancelling, setCancelling] = useState<EventJson | null>(null);
  const [cancelled, setCancelled] = useState<{ event: EventJson; copiesBefore: number } | null>(null);

  async function cancel(event: EventJson, note: string) {
    setCancelling(null);
    try {
      const path = `/api/v1/events/${encodeURIComponent(event.id)}`;
      const before = await api<{ synced: number; pending: number }>(`${path}/sync`).catch(() => ({ synced: 0, pending: 0 }));
      const updated = await api<EventJson>(`${path}/cancel`, { method: 'POST', body: JSON.stringify(note ? { note } : {}) });
      setNotice(`Cancelled “${updated.title}”. Subscribers and attendees see it as cancelled.`);
      setCancelled({ event: updated, copiesBefore: before.synced + before.pending });
      await load();
    } catch (err) {
      setNotice(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not cancel.');
    }
  }

  async function restore(event: EventJson) {
    try {
      const updated = await api<EventJson>(`/api/v1/events/${encodeURIComponent(event.id)}/restore`, { method: 'POST' });
      setCancelled(null);
      setNotice(`Restored “${updated.title}”: it is on again, in feeds and in people's calendars.`);
      await load();
    } catch (err) {
      setNotice(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not restore.');
    }
  }

  async function signOut() {
    try {
      await api('/api/v1/admin/session', { method: 'DELETE' });
      setSignedIn(false);
    } catch {
      setNotice('Could not sign out; try again.');
    }
  }

  if (signedIn === null) return <p role="status" class="status">Checking your sign-in…</p>;
  if (!signedIn) {
    return (
      <section aria-labelledby="org-title" class="narrow">
        <h1 id="org-title">Organizer sign-in</h1>
        <form onSubmit={login}>
          <div class="field">
            <label for="admin-token">Admin token</label>
            <input id="admin-token" name="token" type="password" autoComplete="current-password" required />
          </div>
          <p role="alert" class="error">
            {notice}
          </p>
          <button type="submit" class="button primary">
            Sign in
          </button>
        </form>
      </section>
    );
  }

  return (
    <section aria-labelledby="org-title">
      <div class="page-head">
        <h1 id="org-title">{mode.kind === 'new' ? 'New event' : mode.kind === 'edit' ? 'Edit event' : 'Organizer'}</h1>
        <div class="actions">
          {mode.kind !== 'list' && (
            <button type="button" class="button" onClick={() => (setMode({ kind: 'list' }), setHistory([]))}>
              All events
            </button>
          )}
          {mode.kind === 'list' && (
            <button type="button" class="button primary" onClick={() => setMode({ kind: 'new' })}>
              New event
            </button>
          )}
          <button type="button" class="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </div>
      <p role="status" class="status">
        {notice}
      </p>
      {cancelled && (
        <div class="banner">
          <CancelOutcome eventId={cancelled.event.id} before={cancelled.copiesBefore} key={cancelled.event.updatedAt} />
          <button type="button" class="button" onClick={() => void restore(cancelled.event)}>
            Undo: restore “{cancelled.event.title}”
          </button>
        </div>
      )}
      {cancelling && <CancelDialog event={cancelling} onConfirm={(note) => void cancel(cancelling, note)} onClose={() => setCancelling(null)} />}
      {mode.kind === 'list' && (
        // A list, not a table: on a phone each event stays readable (title, date, status) without columns.
        <ul class="organizer-list" aria-label="All events">
          {events.map((e) => (
            <li key={e.id} data-event-id={e.id} class="organizer-item">
              <div class="organizer-item-text">
                <strong class="organizer-title">{e.title}</strong>
                <span class="muted">{formatWhen(atNext(e))}</span>
                {e.rrule && <span class="muted">{repeatsText(e)}</span>}
                <span class={`badge ${e.status === 'cancelled' ? 'danger' : e.status === 'confirmed' ? 'ok' : ''}`}>{STATUS_LABEL[e.status] ?? e.status}</span>
              </div>
              <div class="organizer-item-actions">
                <button type="button" class="button" onClick={() => (showHistory(e), setMode({ kind: 'edit', event: e }))} aria-label={`Edit ${e.title}`}>
                  Edit
                </button>
                {e.status !== 'cancelled' ? (
                  <button type="button" class="button danger" onClick={() => setCancelling(e)} aria-label={`Cancel ${e.title}`}>
                    Cancel
                  </button>
                ) : (
                  <button type="button" class="button" onClick={() => void restore(e)} aria-label={`Restore ${e.title}`}>
                    Restore
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {mode.kind === 'new' && <EventForm event={null} onSaved={saved} />}
      {mode.kind === 'edit' && (
        <>
          <EventForm event={mode.event} onSaved={saved} key={`${mode.event.id}-${mode.event.sequence}-${mode.event.updatedAt}`} />
          {mode.event.rrule && (
            <OccurrencesPanel
              event={mode.event}
              key={`dates-${mode.event.id}`}
              onChanged={(text) => {
                setNotice(text);
                void load();
              }}
            />
          )}
          <CopiesPanel eventId={mode.event.id} key={`copies-${mode.event.id}-${mode.event.updatedAt}`} />
          <InviteCounts eventId={mode.event.id} key={`invites-${mode.event.id}-${mode.event.updatedAt}`} />
          <h2>Changes</h2>
          <ol class="history">
            {history.map((h) => (
              <li key={h.at}>
                {new Date(h.at).toLocaleString()}: version {h.sequence} — {h.changed.join(', ')}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
