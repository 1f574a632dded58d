import { useEffect, useState } from 'preact/hooks';
import { api, type ConnectionJson, type EventJson, type MeJson } from '../api.ts';
import { ConnectCalendar, type ProviderChoice } from '../components/ConnectCalendar.tsx';
import { ConnectionItem } from '../components/ConnectionItem.tsx';
import { PersonalFeed } from '../components/PersonalFeed.tsx';
import { EmailInvites } from '../components/EmailInvites.tsx';
import { LoadFailed, Skeleton } from '../components/PageState.tsx';
import type { SyncItem } from '../components/SyncStatus.tsx';
import { formatWhen, relativeTime } from '../format.ts';
import { Link } from '../router.tsx';

interface Connections {
  items: ConnectionJson[];
  providers: ProviderChoice[];
  notice: string | null;
  sandboxBusyUrl: string | null;
}

// Back from a provider's consent page: /me?connected=<connection id>[&joined=1].
const connectedId = () => new URLSearchParams(location.search).get('connected');
const joinedOnReturn = () => new URLSearchParams(location.search).get('joined') === '1';

/** What the person is told after connecting; joining says why their other device's events appeared here. */
function connectedMessage(service: string, joined: boolean): string {
  if (!joined) return `${service} connected.`;
  return `${service} connected. You had already connected this account on another device, so this browser now shows the same saved events, feed and calendars as that one.`;
}

export function MePage() {
  const [me, setMe] = useState<MeJson | null>(null);
  const [saved, setSaved] = useState<EventJson[]>([]);
  const [connections, setConnections] = useState<Connections | null>(null);
  const [sync, setSync] = useState<SyncItem[]>([]);
  const [status, setStatus] = useState('');
  const [connectedNote, setConnectedNote] = useState('');
  const [failed, setFailed] = useState(false);

  async function load() {
    const [m, s, c, y] = await Promise.all([
      api<MeJson>('/api/v1/me'),
      api<{ items: EventJson[] }>('/api/v1/me/saved'),
      api<Connections>('/api/v1/me/connections'),
      api<{ items: SyncItem[] }>('/api/v1/me/sync'),
    ]);
    setMe(m);
    setSaved(s.items);
    setConnections(c);
    setSync(y.items);
    return c;
  }
  function start() {
    setFailed(false);
    load()
      .then((c) => {
        const back = c.items.find((i) => i.id === connectedId());
        if (back) setConnectedNote(connectedMessage(back.service, joinedOnReturn()));
      })
      .catch(() => setFailed(true));
  }
  useEffect(start, []);

  async function unsave(id: string) {
    await api(`/api/v1/me/saved/${encodeURIComponent(id)}`, { method: 'DELETE' });
    setStatus('Removed.');
    await load();
  }
  async function disconnect(c: ConnectionJson) {
    await api(`/api/v1/me/connections/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
    setConnectedNote('');
    setStatus(`${c.service} disconnected; its sign-in is deleted.`);
    await load();
  }

  if (failed) return <LoadFailed what="Your events" onRetry={start} />;
  if (!me) return <Skeleton label="Loading your events…" />;
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
              {e.status === 'cancelled' && <span class="badge danger">Cancelled</span>}{' '}
              <button type="button" class="link" onClick={() => unsave(e.id)} aria-label={`Remove ${e.title}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}

      <PersonalFeed onChanged={() => void load()} />
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

      <EmailInvites connections={connections?.items} />

      <h2>Connected calendars</h2>
      {connections && (
        <>
          {connections.notice && (
            <p class="banner" role="note">
              {connections.notice}
              {connections.sandboxBusyUrl && (
                <>
                  {' '}
                  To see a clash, <a href={connections.sandboxBusyUrl}>add a busy meeting to the emulated Google calendar</a>.
                </>
              )}{' '}
              Email is not sent from the sandbox: read it in the <a href="/sandbox/mail">sandbox mailbox</a>.
            </p>
          )}
          {connectedNote && (
            <p class="banner ok" role="status">
              {connectedNote}
            </p>
          )}
          <ul class="connections">
            {connections.items.map((c) => (
              <ConnectionItem key={c.id} connection={c} sync={sync} onChanged={() => void load()} onDisconnect={() => void disconnect(c)} />
            ))}
          </ul>
          <ConnectCalendar
            providers={connections.providers}
            onConnected={(c) => {
              setConnectedNote(connectedMessage(c.service, c.joinedOtherDevice === true));
              void load();
            }}
          />
        </>
      )}
    </section>
  );
}
