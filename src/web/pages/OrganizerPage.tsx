import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type EventJson } from '../api.ts';
import { formatWhen } from '../format.ts';
import { EventForm } from './EventForm.tsx';
import { CopiesPanel } from '../components/CopiesPanel.tsx';

// Organizer pages: sign in with the admin token (kept for this tab only), list every event with
// its SEQUENCE, create, edit (showing what changed and the new SEQUENCE, and how the copies in
// people's calendars stand) and cancel.

const TOKEN_KEY = 'calendar-club-admin-token';
type Mode = { kind: 'list' } | { kind: 'new' } | { kind: 'edit'; event: EventJson };
interface Change {
  at: string;
  sequence: number;
  changed: string[];
}

export function OrganizerPage() {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const [events, setEvents] = useState<EventJson[]>([]);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [notice, setNotice] = useState('');
  const [history, setHistory] = useState<Change[]>([]);

  async function load(t: string) {
    setEvents((await api<{ items: EventJson[] }>('/api/v1/events?includeCancelled=true&limit=200', { token: t })).items);
  }
  useEffect(() => {
    if (token) load(token).catch(() => setNotice('Events could not be loaded.'));
  }, [token]);

  async function login(e: Event) {
    e.preventDefault();
    const value = String(new FormData(e.target as HTMLFormElement).get('token') ?? '').trim();
    try {
      await api('/api/v1/admin/check', { token: value });
      sessionStorage.setItem(TOKEN_KEY, value);
      setToken(value);
      setNotice('');
    } catch {
      setNotice('That token was not accepted.');
    }
  }

  async function showHistory(event: EventJson) {
    const h = await api<{ items: Change[] }>(`/api/v1/events/${encodeURIComponent(event.id)}/history`, { token });
    setHistory(h.items);
  }

  async function saved(event: EventJson) {
    await showHistory(event);
    setMode({ kind: 'edit', event });
    setNotice(`Saved “${event.title}”. SEQUENCE is now ${event.sequence}.`);
    await load(token!);
  }

  async function cancel(event: EventJson) {
    if (!confirm(`Cancel “${event.title}”? Subscribers will see it as cancelled.`)) return;
    try {
      const updated = await api<EventJson>(`/api/v1/events/${encodeURIComponent(event.id)}/cancel`, { method: 'POST', token });
      setNotice(`Cancelled “${updated.title}”. SEQUENCE is now ${updated.sequence}.`);
      await load(token!);
    } catch (err) {
      setNotice(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not cancel.');
    }
  }

  if (!token) {
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
          <button type="button" class="button" onClick={() => (sessionStorage.removeItem(TOKEN_KEY), setToken(null))}>
            Sign out
          </button>
        </div>
      </div>
      <p role="status" class="status">
        {notice}
      </p>
      {mode.kind === 'list' && (
        <table class="events-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">When</th>
              <th scope="col">Status</th>
              <th scope="col">SEQUENCE</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-event-id={e.id}>
                <td>{e.title}</td>
                <td>{formatWhen(e)}</td>
                <td>{e.status}</td>
                <td>{e.sequence}</td>
                <td class="actions">
                  <button type="button" class="link" onClick={() => (showHistory(e), setMode({ kind: 'edit', event: e }))} aria-label={`Edit ${e.title}`}>
                    Edit
                  </button>
                  {e.status !== 'cancelled' && (
                    <button type="button" class="link danger" onClick={() => cancel(e)} aria-label={`Cancel ${e.title}`}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mode.kind === 'new' && <EventForm token={token} event={null} onSaved={saved} />}
      {mode.kind === 'edit' && (
        <>
          <EventForm token={token} event={mode.event} onSaved={saved} key={`${mode.event.id}-${mode.event.sequence}-${mode.event.updatedAt}`} />
          <CopiesPanel eventId={mode.event.id} token={token} key={`copies-${mode.event.id}-${mode.event.updatedAt}`} />
          <h2>Changes</h2>
          <ol class="history">
            {history.map((h) => (
              <li key={h.at}>
                {new Date(h.at).toLocaleString()}: SEQUENCE {h.sequence} — {h.changed.join(', ')}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
