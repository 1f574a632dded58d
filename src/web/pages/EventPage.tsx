import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AddLink, type ConnectionJson, type EventJson, type MeJson, type OccurrenceJson } from '../api.ts';
import { AddToCalendarMenu } from '../components/AddToCalendarMenu.tsx';
import { formatWhen, sameClock } from '../format.ts';
import { SyncStatus, type SyncItem } from '../components/SyncStatus.tsx';
import { CALENDAR_NAME as PROVIDER, ClashNote, clashText } from '../conflicts/ClashNote.tsx';
import { useConflicts } from '../conflicts/useConflicts.ts';
import { LoadFailed, NotFound, Skeleton } from '../components/PageState.tsx';
import { savedMessage } from '../components/saved-message.ts';
import { Link } from '../router.tsx';
import { Linkified } from '../event/Linkified.tsx';
import { ShareButton } from '../event/ShareButton.tsx';
import { EmailInviteButton } from '../components/EmailInvites.tsx';
import { SimilarEvents } from '../event/SimilarEvents.tsx';
import { CategorySubscribe } from '../event/CategorySubscribe.tsx';
import { useCategoryFeeds } from '../event/useCategoryFeeds.ts';
import { ComingDates } from '../event/ComingDates.tsx';
import { atNext, repeatsText } from '../series.ts';

/** A map search for the place (OpenStreetMap: no account, no tracking script on our page). */
const mapUrl = (location: string) => `https://www.openstreetmap.org/search?query=${encodeURIComponent(location)}`;


/** How many dates of a series are still to come and not cancelled (a series runs 5 years at most); null when unknown. */
async function comingDates(eventId: string): Promise<number | null> {
  const to = new Date(Date.now() + 6 * 366 * 86_400_000).toISOString();
  return api<{ items: OccurrenceJson[] }>(`/api/v1/events/${encodeURIComponent(eventId)}/occurrences?to=${encodeURIComponent(to)}`)
    .then((r) => r.items.filter((o) => o.status !== 'cancelled').length)
    .catch(() => null);
}

export function EventPage({ idOrSlug }: { idOrSlug: string }) {
  const [event, setEvent] = useState<EventJson | null>(null);
  const [links, setLinks] = useState<AddLink[]>([]);
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pushTargets, setPushTargets] = useState<ConnectionJson[]>([]);
  const [sync, setSync] = useState<SyncItem[]>([]);
  const [confirmingClash, setConfirmingClash] = useState(false);
  const [hasFeed, setHasFeed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // Half a day either side: calendars clip busy times to the range asked, and the badge names
  // the whole meeting ("busy 6:30–8:00 PM"), not only the part inside the event.
  const around = (iso: string | undefined, hours: number) => (iso ? new Date(Date.parse(iso) + hours * 3_600_000).toISOString() : null);
  // A series is checked from its next date over the coming month (each date on its own).
  const shownAt = event ? atNext(event) : null;
  const conflicts = useConflicts(around(shownAt?.startsAt, -12), around(event?.rrule ? shownAt?.startsAt : event?.endsAt, event?.rrule ? 31 * 24 : 12));
  const clashes = event ? conflicts.clashesOf(event.id) : [];
  const categoryFeeds = useCategoryFeeds(event?.categories ?? []);

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
        setHasFeed(me.personalFeed.active);
        document.title = `${e.title} · Calendar Club`;
        void loadSync(e.id).catch(() => undefined);
      })
      .catch((err) => setError(err instanceof ApiError && err.problem.status === 404 ? 'not_found' : 'unreachable'));
  }, [idOrSlug, attempt]);

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
          : savedMessage(pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind), hasFeed, event.rrule ? await comingDates(event.id) : undefined),
      );
      setTimeout(() => void loadSync(event.id).catch(() => undefined), 1500);
    } catch (err) {
      setStatus(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not save the event.');
    }
  }

  if (error === 'not_found') return <NotFound what="event" />;
  if (error) return <LoadFailed what="The event" onRetry={() => (setError(null), setAttempt(attempt + 1))} />;
  if (!event) return <Skeleton cards={1} label="Loading the event…" />;
  const cancelled = event.status === 'cancelled';
  // Whose time: the event's own first (what the organizer announced), the viewer's below it.
  const otherClock = !event.allDay && !sameClock(event);

  return (
    <article class="event-page" aria-labelledby="event-title">
      <p class="back">
        <Link href="/">← All events</Link>
      </p>
      {cancelled && (
        <div class="banner danger" role="status" data-testid="cancelled">
          <p>
            <strong>This event has been cancelled</strong>
            {event.cancelledAt && ` (${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(event.cancelledAt))})`}.
          </p>
          {event.cancelNote && <p>From the organizer: “{event.cancelNote}”</p>}
        </div>
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
          <ClashNote clashes={clashes} unavailable={conflicts.unavailable} series={event.rrule !== null} />
        </p>
      )}
      <dl class="facts">
        <dt>When</dt>
        <dd>
          <span data-testid="event-time">{formatWhen(atNext(event), event.timezone)}</span>
          {otherClock && (
            <span class="muted block" data-testid="viewer-time">
              {formatWhen(atNext(event))} (your time)
            </span>
          )}
          {event.rrule && (
            <span class="block" data-testid="repeats">
              {repeatsText(event)}
            </span>
          )}
        </dd>
        {event.location && (
          <>
            <dt>Where</dt>
            <dd>
              <span class="location">{event.location}</span>{' '}
              <a href={mapUrl(event.location)} rel="noopener" target="_blank" data-testid="map-link">
                Map
              </a>
            </dd>
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
      {event.description && <Linkified text={event.description} />}
      {event.rrule && <ComingDates event={event} />}
      <div class="actions">
        {/* A cancelled event is nothing to add to a calendar. */}
        {!cancelled && (
          <AddToCalendarMenu
            links={links}
            action={
              !saved && pushTargets.length > 0
                ? { label: `${pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind).join(' + ')} (kept in sync)`, onSelect: () => void toggleSave() }
                : null
            }
          />
        )}
        {!cancelled && (
          <button type="button" class="button" aria-pressed={saved} onClick={() => void toggleSave()}>
            {saved ? '★ Saved' : pushTargets.length > 0 ? `☆ Save and add to ${pushTargets.map((c) => PROVIDER[c.kind] ?? c.kind).join(' + ')} (kept in sync)` : '☆ Save'}
          </button>
        )}
        {!cancelled && <EmailInviteButton eventId={event.id} onSaved={() => setSaved(true)} />}
        <ShareButton title={event.title} url={event.pageUrl} />
        {categoryFeeds && <CategorySubscribe categories={categoryFeeds} />}
      </div>
      {confirmingClash && (
        <div class="banner warn" role="alert">
          <p>{clashText(clashes, event.rrule !== null)}. Save it anyway?</p>
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
      {cancelled && categoryFeeds && <SimilarEvents event={event} categorySlugs={categoryFeeds.map((c) => c.slug)} />}
      <SyncStatus items={sync} onChange={() => setTimeout(() => event && void loadSync(event.id).catch(() => undefined), 1500)} />
    </article>
  );
}
