import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ConnectionJson } from '../api.ts';

interface Preset {
  id: string;
  name: string;
  serverUrl: string;
  instructions: string;
  passwordHelpUrl: string | null;
}

/** Connect a CalDAV account (iCloud, Fastmail, Nextcloud, any server: `presetId` "other") with an app password. */
export function CalDavForm({ presetId, onConnected }: { presetId: string; onConnected: (connection: ConnectionJson) => void }) {
  const [preset, setPreset] = useState<Preset | null>(null);
  const [serverUrl, setServerUrl] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ items: Preset[] }>('/api/v1/caldav/presets').then((p) => {
      const chosen = p.items.find((i) => i.id === presetId) ?? null;
      setPreset(chosen);
      setServerUrl(chosen?.serverUrl ?? '');
    });
  }, [presetId]);

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    setBusy(true);
    setMessage('Connecting…');
    try {
      const connection = await api<ConnectionJson>('/api/v1/me/connections/caldav', {
        method: 'POST',
        body: JSON.stringify({ serverUrl, username: form.get('username'), password: form.get('password'), mode: form.get('mode') }),
      });
      // Cleared at once: the app password is not left in the page.
      (e.target as HTMLFormElement).reset();
      setServerUrl('');
      setMessage('');
      onConnected(connection);
    } catch (err) {
      setMessage(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not connect.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="caldav-form" onSubmit={submit} aria-labelledby="caldav-title">
      <h3 id="caldav-title">Connect {preset?.name ?? 'a CalDAV server'}</h3>
      {preset && (
        <p class="muted small">
          {preset.instructions}{' '}
          {preset.passwordHelpUrl && (
            <a href={preset.passwordHelpUrl} target="_blank" rel="noopener">
              Create an app password
            </a>
          )}
        </p>
      )}
      <div class="field">
        <label for="caldav-url">Server URL</label>
        <input id="caldav-url" type="url" required value={serverUrl} onInput={(e) => setServerUrl((e.target as HTMLInputElement).value)} placeholder="https://caldav.example.com/" />
      </div>
      <div class="row">
        <div class="field">
          <label for="caldav-user">Username</label>
          <input id="caldav-user" name="username" required autoComplete="username" />
        </div>
        <div class="field">
          <label for="caldav-password">App password</label>
          <input id="caldav-password" name="password" type="password" required autoComplete="off" />
        </div>
      </div>
      <div class="field">
        <label for="caldav-mode">Calendar Club may</label>
        <select id="caldav-mode" name="mode">
          <option value="push">read my busy times and add my saved events</option>
          <option value="busy">read my busy times only</option>
        </select>
      </div>
      <button type="submit" class="button primary" disabled={busy}>
        Connect
      </button>
      <p role="status" class="status">
        {message}
      </p>
    </form>
  );
}
