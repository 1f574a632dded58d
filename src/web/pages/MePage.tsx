import { useEffect, useState } from 'preact/hooks';
import { api, type ConnectionJson, type EventJson, type FeedLinks, type MeJson } from '../api.ts';
import { SubscribeDialog } from '../components/SubscribeDialog.tsx';
import { CalDavForm } from '../components/CalDavForm.tsx';
import { TargetCalendar } from '../components/TargetCalendar.tsx';
import { BusyCalendars } from '../conflicts/BusyCalendars.tsx';
import { formatWhen, relativeTime } from '../format.ts';
import { Link } from '../router.tsx';

interface Connections {
  items: ConnectionJson[];
  providers: { kind: string; configured: boolean; connectUrl: string }[];
  notice: string | null;
}

const PROVIDER_LABEL: Record<string, string> = { google: 'Google', microsoft: 'Microsoft', caldav: 'CalDAV' };
const STATUS_LABEL: Record<string, string> = { active: 'Active', reconnect_required: 'Reconnect needed', error: 'Error' };

export function MePage() {
  const [me, setMe] = useState<MeJson | null>(null);
  const [saved, setSaved] = useState<EventJson[]>([]);
  const [connections, setConnections] = useState<Connections | null>(null);
  const [feed, setFeed] = useState<{ url: string; links: FeedLinks } | null>(null);
  const [subscribing, setSubscribing] = useState(false);
  const [status, setStatus] = useState('');

  async function load() {
    const [m, s, c] = await Promise.all([api<MeJson>('/api/v1/me'), api<{ items: EventJson[] }>('/api/v1/me/saved'), api<Connections>('/api/v1/me/connections')]);
    setMe(m);
    setSaved(s.items);
    setConnections(c);
  }
  useEffect(() => {
    load().catch(() => setStatus('Your events could not be loaded.'));
  }, []);

  async function unsave(id: string) {
    await api(`/api/v1/me/saved/${encodeURIComponent(id)}`, { method: 'DELETE' });
    setStatus('Removed.');
    await load();
  }
  async function rotate() {
    const r = await api<{ url: string; links: FeedLinks }>('/api/v1/me/feed-token/rotate', { method: 'POST' });
    setFeed(r);
    setStatus('Your new feed address is below. Copy it now: it is shown only once.');
    await load();
  }
  async function revoke() {
    await api('/api/v1/me/feed-token', { method: 'DELETE' });
    setFeed(null);
    setStatus('Your feed address no longer works.');
    await load();
  }
  async function disconnect(id: string) {
    await api(`/api/v1/me/connections/${encodeURIComponent(id)}`, { method: 'DELETE' });
    setStatus('Disconnected; its tokens are deleted.');
    await load();
  }

  if (!me) return <p aria-live="polite">{status || 'Loading…'}</p>;
  return (
    <section aria-labelledby="me-title">
      <h1 id="me-title">My events</h1>
      <p aria-live="polite" class="status">
        {status}
      </p>

      <h2>Saved events</h2>
      {saved.length === 0 ? (
        <p class="muted">
          Nothing saved yet. <Link href="/">Browse upcoming events</Link> and press “Save”.
        </p>
      ) : (
        <ul class="saved">
          {saved.map((e) => (
            <li key={e.id} data-event-id={e.id}>
              <Link href={`/events/${encodeURIComponent(e.slug)}`}>{e.title}</Link>
              <span class="muted"> — {formatWhen(e)}</span>
              {e.status === 'cancelled' && <span class="badge danger">Cancelled</span>}
              <button type="button" class="link" onClick={() => unsave(e.id)} aria-label={`Remove ${e.title}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}

      <h2>My personal feed</h2>
      <p class="muted">A private calendar feed of your saved events. Anyone with the address can read it, so keep it to yourself; make a new one if it leaks.</p>
      {feed && (
        <div class="feed-url">
          <label for="personal-url">Your feed address (shown only now)</label>
          <input id="personal-url" readOnly value={feed.url} onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="button primary" onClick={() => setSubscribing(true)}>
            Subscribe…
          </button>
        </div>
      )}
      <div class="actions">
        <button type="button" class="button" onClick={rotate}>
          {me.personalFeed.active ? 'Make a new feed address' : 'Create my feed address'}
        </button>
        {me.personalFeed.active && (
          <button type="button" class="button danger" onClick={revoke}>
            Turn off my feed
          </button>
        )}
      </div>
      {me.personalFeed.active && (
        <div class="health">
          <h3>Feed health</h3>
          {me.feedHealth.length === 0 ? (
            <p class="muted">No calendar app has fetched your feed yet.</p>
          ) : (
            <ul>
              {me.feedHealth.map((h) => (
                <li key={h.client}>
                  <strong>{h.label}</strong> last checked your feed {relativeTime(h.lastFetchAt)}
                  {h.lastStatus === 304 ? ' (nothing had changed)' : ''}. <span class="muted">{h.pollNote}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <h2>Connected calendars</h2>
      {connections && (
        <>
          {connections.notice && (
            <p class="banner" role="note">
              {connections.notice}
            </p>
          )}
          <ul class="connections">
            {connections.items.map((c) => (
              <li key={c.id} class="connection">
                <strong>{PROVIDER_LABEL[c.kind] ?? c.kind}</strong> {c.account && <span>({c.account})</span>} —{' '}
                <span class={`badge ${c.status === 'active' ? 'ok' : 'danger'}`}>{STATUS_LABEL[c.status] ?? c.status}</span>
                {c.statusReason && <span class="muted"> {c.statusReason}</span>}
                <p class="muted small">{c.permissions}</p>
                {c.mode === 'push' && c.status === 'active' && <TargetCalendar connection={c} onChanged={() => void load()} />}
                {c.status === 'active' && <BusyCalendars connectionId={c.id} />}
                {c.status !== 'active' && c.reconnectUrl && (
                  <a class="button" href={c.reconnectUrl}>
                    Reconnect
                  </a>
                )}
                <button type="button" class="button danger" onClick={() => disconnect(c.id)}>
                  Disconnect
                </button>
              </li>
            ))}
          </ul>
          <div class="actions">
            {connections.providers.map((p) =>
              p.configured ? (
                <span key={p.kind} class="connect">
                  <a class="button" href={`${p.connectUrl}?mode=push`}>
                    Connect {PROVIDER_LABEL[p.kind]} (add my saved events)
                  </a>
                  <a class="button" href={`${p.connectUrl}?mode=busy`}>
                    Connect {PROVIDER_LABEL[p.kind]} (busy times only)
                  </a>
                </span>
              ) : (
                <p key={p.kind} class="muted small">
                  {PROVIDER_LABEL[p.kind]} is not set up on this server.
                </p>
              ),
            )}
          </div>
          <CalDavForm onConnected={() => void load()} />
        </>
      )}
      {subscribing && feed && <SubscribeDialog name="My events" links={feed.links} onClose={() => setSubscribing(false)} />}
    </section>
  );
}
