import { useState } from 'preact/hooks';
import type { ConnectionJson } from '../api.ts';
import type { SyncItem } from './SyncStatus.tsx';
import { TargetCalendar } from './TargetCalendar.tsx';
import { BusyCalendars } from '../conflicts/BusyCalendars.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';

const STATUS_LABEL: Record<string, string> = { active: 'Active', reconnect_required: 'Reconnect needed', error: 'Error' };

/** The copies to this calendar that are trying and failing to reach it, when that is all of them. */
function failingCopies(connectionId: string, sync: SyncItem[]): SyncItem[] {
  const live = sync.filter((s) => s.connectionId === connectionId && (s.state === 'synced' || s.state === 'pending' || s.state === 'failed'));
  const failing = live.filter((s) => s.state === 'failed' || (s.state === 'pending' && s.lastError !== null));
  return live.length > 0 && failing.length === live.length ? failing : [];
}

export function ConnectionItem({ connection: c, sync, onChanged, onDisconnect }: { connection: ConnectionJson; sync: SyncItem[]; onChanged: () => void; onDisconnect: () => void }) {
  const [asking, setAsking] = useState(false);
  // "Active" would be a lie while nothing gets through: say the calendar is not being reached.
  const failing = c.status === 'active' ? failingCopies(c.id, sync) : [];
  const ok = c.status === 'active' && failing.length === 0;
  const pushes = c.mode === 'push';
  return (
    <li class="connection" data-connection-id={c.id}>
      <strong>{c.service}</strong> {c.account && <span>({c.account})</span>} —{' '}
      <span class={`badge ${ok ? 'ok' : 'danger'}`}>{failing.length > 0 ? `Not reaching ${c.service}` : (STATUS_LABEL[c.status] ?? c.status)}</span>
      {c.statusReason && <span class="muted"> {c.statusReason}</span>}
      {failing.length > 0 && (
        <p class="muted small">
          {failing.length === 1 ? 'Your saved event could' : `None of your ${failing.length} saved events could`} not be copied there yet
          {failing[0]!.lastError ? ` (${failing[0]!.lastError})` : ''}. We keep trying.
        </p>
      )}
      <p class="muted small">{c.permissions}</p>
      {pushes && c.status === 'active' && <TargetCalendar connection={c} onChanged={onChanged} />}
      {c.status === 'active' && <BusyCalendars connectionId={c.id} />}
      {c.status !== 'active' && c.reconnectUrl && (
        <a class="button" href={c.reconnectUrl}>
          Reconnect
        </a>
      )}
      <button type="button" class="button danger" onClick={() => setAsking(true)} aria-label={`Disconnect ${c.service}${c.account ? ` (${c.account})` : ''}`}>
        Disconnect
      </button>
      {asking && (
        <ConfirmDialog
          title={`Disconnect ${c.service}?`}
          danger
          confirmLabel="Disconnect"
          onConfirm={() => (setAsking(false), onDisconnect())}
          onCancel={() => setAsking(false)}
        >
          <p>
            {pushes
              ? `Your saved events stop going to ${c.service}. The ones already there stay, but they are no longer updated: a change or a cancellation will not reach them.`
              : `Calendar Club stops reading your busy times from ${c.service}.`}{' '}
            Its sign-in is deleted from our server. Your saved events stay on My events.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
