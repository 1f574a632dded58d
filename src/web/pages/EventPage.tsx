import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AddLink, type ConnectionJson, type EventJson, type MeJson } from '../api.ts';
import { AddToCalendarMenu } from '../components/AddToCalendarMenu.tsx';
import { formatWhen, viewerZone } from '../format.ts';
import { SyncStatus, type SyncItem } from '../components/SyncStatus.tsx';
import { CALENDAR_NAME as PROVIDER, ClashNote, clashText } from '../conflicts/ClashNote.tsx';
import { useConflicts } from '../conflicts/useConflicts.ts';


export function EventPage({ idOrSlug }: { idOrSlug: string }) {
  const [event, setEvent] = useState<EventJson | null>(null);
  const [links, setLinks] = useState<AddLink[]>([]);
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pushTargets, setPushTargets] = useState<ConnectionJson[]>([]);
  const [sync, setSync] = useState<SyncItem[]>([]);
  const [confirmingClash, setConfirmingClash] = useState(false);
  const conflicts = useConflicts(event?.startsAt ?? null, event?.endsAt ?? null);
  const clashes = event ? conflicts.clashesOf(event.id) : [];

  async function loadSync(eventId: string) {
    const [connections, states] = await Promise.all([
      api<{ items: ConnectionJson[] }>('/api/v1/me/connections'),
      api<{ items: SyncItem[] }>('/api/v1/me/sync'),
    ]);
    setPushTargets(connections.items.filter((c) => c.mode === 'push' && c.status === 'active'));
    setSync(states.items.filter((s) => s.eventId === eventId));
  }

  useEffect(() => {
    const key = encodeURIComponent(idOrSlug);
    Promise.all([api<EventJson>(`/api/v1/events/${key}`), api<{ add: AddLink[] }>(`/api/v1/events/${key}/links`), api<MeJson>('/api/v1/me')])
      .then(([e, l, me]) => {
        setEvent(e);
        setLinks(l.add);
        setSaved(me.savedEventIds.includes(e.id));
        document.title = `${e.title} · Calendar Club`;
        void loadSync(e.id).catch(() => undefined);
      })
      .catch((err) => setError(err instanceof ApiError && err.problem.status === 404 ? 'There is no such event.' : 'The event could not be loaded.'));
  }, [idOrSlug]);

  async function toggleSave(anyway = false) {
    if (!event) return;
    // Saving a clashing event is allowed, after saying so once.
    if (!saved && clashes.length > 0 && !anyway) return setConfirmingClash(true);
    setConfirmingClash(false);
    try {
      await api(`/api/v1/me/saved/${encodeURIComponent(event.id)}`, { method: saved ? 'DELETE' : 'POST' });
      setSaved(!saved);
      setStatus(
        saved
          ? 'Removed from your events.'
          : pushTargets.length > 0
            ? `Saved. It is in your personal feed and on its way to ${pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind).join(' and ')}.`
            : 'Saved. It is in your personal feed now.',
      );
      setTimeout(() => void loadSync(event.id).catch(() => undefined), 1500);
    } catch (err) {
      setStatus(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not save the event.');
    }
  }

  if (error) return <p role="alert">{error}</p>;
  if (!event) return <p aria-live="polite">Loading…</p>;
  const cancelled = event.status === 'cancelled';
  const otherZone = !event.allDay && event.timezone !== viewerZone;

  return (
    <article class="event-page" aria-labelledby="event-title">
      {cancelled && (
        <p class="banner danger" role="status">
          This event has been cancelled.
        </p>
      )}
      <p class="tags">
        {event.categories.map((c) => (
          <span class="tag" key={c}>
            {c}
          </span>
        ))}
      </p>
      <h1 id="event-title">{event.title}</h1>
      {!cancelled && (clashes.length > 0 || conflicts.unavailable.length > 0) && (
        <p>
          <ClashNote clashes={clashes} unavailable={conflicts.unavailable} />
        </p>
      )}
      <dl class="facts">
        <dt>When</dt>
        <dd>
          <span data-testid="viewer-time">{formatWhen(event)}</span>
          {otherZone && (
            <span class="muted block" data-testid="event-time">
              {formatWhen(event, event.timezone)} ({event.timezone})
            </span>
          )}
        </dd>
        {event.location && (
          <>
            <dt>Where</dt>
            <dd>{event.location}</dd>
          </>
        )}
        {event.url && (
          <>
            <dt>Link</dt>
            <dd>
              <a href={event.url} rel="noopener nofollow" target="_blank">
                {event.url}
              </a>
            </dd>
          </>
        )}
      </dl>
      {event.description && <p class="description">{event.description}</p>}
      <div class="actions">
        <AddToCalendarMenu
          links={links}
          action={
            !cancelled && !saved && pushTargets.length > 0
              ? { label: `${pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind).join(' + ')} (kept in sync)`, onSelect: () => void toggleSave() }
              : null
          }
        />
        {!cancelled && (
          <button type="button" class="button" aria-pressed={saved} onClick={() => void toggleSave()}>
            {saved ? '★ Saved' : pushTargets.length > 0 ? `☆ Save and add to ${pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind).join(' + ')} (kept in sync)` : '☆ Save'}
          </button>
        )}
        <a class="button" href={event.icsUrl}>
          Download .ics
        </a>
      </div>
      {confirmingClash && (
        <div class="banner warn" role="alert">
          <p>{clashText(clashes)}. Save it anyway?</p>
          <button type="button" class="button" onClick={() => void toggleSave(true)}>
            Save anyway
          </button>{' '}
          <button type="button" class="button" onClick={() => setConfirmingClash(false)}>
            Not now
          </button>
        </div>
      )}
      <p aria-live="polite" class="muted">
        {status}
      </p>
      <SyncStatus items={sync} onChange={() => setTimeout(() => event && void loadSync(event.id).catch(() => undefined), 1500)} />
    </article>
  );
}
