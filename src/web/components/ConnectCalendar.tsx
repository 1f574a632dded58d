import { useState } from 'preact/hooks';
import type { ConnectionJson } from '../api.ts';
import { CalDavForm } from './CalDavForm.tsx';

export interface ProviderChoice {
  kind: string;
  configured: boolean;
  connectUrl: string;
}

const PROVIDER_LABEL: Record<string, string> = { google: 'Google', microsoft: 'Microsoft' };
// Services reached by CalDAV with an app password; "other" is any CalDAV server.
const CALDAV_CHOICES = [
  { id: 'icloud', label: 'iCloud' },
  { id: 'fastmail', label: 'Fastmail' },
  { id: 'nextcloud', label: 'Nextcloud' },
  { id: 'other', label: 'Other CalDAV server' },
];

/** One "Connect a calendar" entry that opens to the choices; the CalDAV form only once one is chosen. */
export function ConnectCalendar({ providers, onConnected }: { providers: ProviderChoice[]; onConnected: (connection: ConnectionJson) => void }) {
  const [open, setOpen] = useState(false);
  const [caldav, setCaldav] = useState<string | null>(null);
  return (
    <div class="connect-calendar">
      <button type="button" class="button primary" aria-expanded={open} aria-controls="connect-choices" onClick={() => (setOpen(!open), setCaldav(null))}>
        Connect a calendar
      </button>
      {open && (
        <div id="connect-choices" class="connect-choices">
          {providers.map((p) =>
            p.configured ? (
              <div key={p.kind} class="connect-choice">
                <h3>{PROVIDER_LABEL[p.kind] ?? p.kind}</h3>
                <div class="actions">
                  <a class="button" href={`${p.connectUrl}?mode=push`} aria-label={`Connect ${PROVIDER_LABEL[p.kind] ?? p.kind} (add my saved events)`}>
                    Add my saved events
                  </a>
                  <a class="button" href={`${p.connectUrl}?mode=busy`} aria-label={`Connect ${PROVIDER_LABEL[p.kind] ?? p.kind} (busy times only)`}>
                    Busy times only
                  </a>
                </div>
              </div>
            ) : (
              <p key={p.kind} class="muted small">
                {PROVIDER_LABEL[p.kind] ?? p.kind} is not set up on this server.
              </p>
            ),
          )}
          <div class="connect-choice">
            <h3>With an app password</h3>
            <div class="chips" role="group" aria-label="CalDAV service">
              {CALDAV_CHOICES.map((c) => (
                <button type="button" class="chip" key={c.id} aria-pressed={caldav === c.id} onClick={() => setCaldav(c.id)}>
                  {c.label}
                </button>
              ))}
            </div>
          </div>
          {caldav && (
            <CalDavForm
              key={caldav}
              presetId={caldav}
              onConnected={(connection) => {
                setCaldav(null);
                setOpen(false);
                onConnected(connection);
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}
