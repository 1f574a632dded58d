import { CALENDAR_NAME } from './ClashNote.tsx';
import type { ConnectionCheck } from './useConflicts.ts';

/** Which calendars the clashes come from, and why some could not be read (e.g. the granted scope). */
export function CheckedCalendars({ checked }: { checked: ConnectionCheck[] }) {
  const read = checked.filter((c) => c.status === 'ok' && c.calendars);
  if (read.length === 0) return null;
  return (
    <div class="checked-calendars muted small" data-testid="checked-calendars">
      {read.map((c) => (
        <p key={c.connectionId}>
          Checked in {CALENDAR_NAME[c.kind] ?? c.kind}: {c.calendars!.length > 0 ? c.calendars!.join(', ') : 'no calendars (none chosen)'}.
          {c.note && <span role="note"> {c.note}</span>}
        </p>
      ))}
    </div>
  );
}
