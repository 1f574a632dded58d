import { describeRule } from '../../core/recurrence/describe.ts';
import { previewDates } from '../../core/recurrence/preview.ts';
import { DAY_NAMES, monthlyOptions, ruleFromChoice, startWeekday, type RepeatChoice, type RepeatKind } from './repeat-choice.ts';

// The "Repeats" part of the organizer form: what repeats, how it ends, and in plain words the
// next dates it gives, so the organizer sees the series before saving it.

interface Props {
  choice: RepeatChoice;
  onChange(next: RepeatChoice): void;
  /** The form's start as typed: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`. */
  start: string;
  timezone: string;
  error?: string;
}

const KINDS: { value: RepeatKind; label: string }[] = [
  { value: 'none', label: 'Does not repeat' },
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'yearly', label: 'Yearly' },
  { value: 'custom', label: 'Custom rule (RRULE)' },
];
// Monday first, as most calendars show a week.
const WEEK = [1, 2, 3, 4, 5, 6, 0];
const PREVIEW = 5;

const shortDate = (day: string) =>
  new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
const clock = (hhmm: string) =>
  new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(`2000-01-01T${hhmm}:00Z`));

/** "Every Tuesday, 10 times: Tue, Mar 2, Tue, Mar 9, … at 7:00 PM" or why there is nothing to show. */
function preview(rule: string | null, start: string, timezone: string): string {
  if (!rule) return '';
  const date = start.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'Pick a start to see the dates.';
  const dates = previewDates(rule, date, PREVIEW + 1);
  if (dates.length === 0) return 'This rule gives no dates; check it.';
  const words = describeRule(rule, { start: date, timezone }) ?? 'Repeats';
  const time = /T(\d{2}:\d{2})/.exec(start)?.[1];
  const more = dates.length > PREVIEW ? ', …' : '';
  return `${words}. Next dates: ${dates.slice(0, PREVIEW).map(shortDate).join('; ')}${more}${time ? `, each at ${clock(time)}` : ''}.`;
}

export function RepeatField({ choice, onChange, start, timezone, error }: Props) {
  const set = (patch: Partial<RepeatChoice>) => onChange({ ...choice, ...patch });
  const rule = ruleFromChoice(choice, start);
  const own = startWeekday(start);
  const ticked = (d: number) => (choice.weekdays.length > 0 ? choice.weekdays.includes(d) : d === own);
  const toggle = (d: number) => {
    const current = WEEK.filter(ticked);
    set({ weekdays: current.includes(d) ? current.filter((x) => x !== d) : [...current, d] });
  };
  const described = error ? { 'aria-invalid': true, 'aria-describedby': 'e-rrule' } : {};

  return (
    <fieldset class={`field repeat${error ? ' invalid' : ''}`}>
      <legend>Repeats</legend>
      <select id="f-repeats" aria-label="Repeats" value={choice.kind} onChange={(e) => set({ kind: (e.target as HTMLSelectElement).value as RepeatKind })} {...described}>
        {KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
      {choice.kind === 'weekly' && (
        <div class="weekdays" role="group" aria-label="On these days">
          {WEEK.map((d) => (
            <label key={d} class="check">
              <input type="checkbox" checked={ticked(d)} onChange={() => toggle(d)} /> {DAY_NAMES[d]!.slice(0, 3)}
            </label>
          ))}
        </div>
      )}
      {choice.kind === 'monthly' && (
        <select aria-label="Which day of the month" value={choice.monthly} onChange={(e) => set({ monthly: (e.target as HTMLSelectElement).value as RepeatChoice['monthly'] })}>
          {monthlyOptions(start).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
      {choice.kind === 'custom' && (
        <input aria-label="Rule (RFC 5545 RRULE)" value={choice.custom} placeholder="FREQ=WEEKLY;BYDAY=TU;COUNT=10" onInput={(e) => set({ custom: (e.target as HTMLInputElement).value })} {...described} />
      )}
      {choice.kind !== 'none' && choice.kind !== 'custom' && (
        <div class="repeat-end" role="radiogroup" aria-label="How the series ends">
          <label class="check">
            <input type="radio" name="repeat-end" checked={choice.end === 'count'} onChange={() => set({ end: 'count' })} /> After{' '}
            <input type="number" min={1} max={730} class="count" aria-label="Number of times" value={choice.count} onInput={(e) => set({ end: 'count', count: Number((e.target as HTMLInputElement).value) || 1 })} /> times
          </label>
          <label class="check">
            <input type="radio" name="repeat-end" checked={choice.end === 'until'} onChange={() => set({ end: 'until' })} /> On{' '}
            <input type="date" aria-label="Last date" value={choice.until} onInput={(e) => set({ end: 'until', until: (e.target as HTMLInputElement).value })} />
          </label>
        </div>
      )}
      <p class="muted repeat-preview" aria-live="polite" data-testid="repeat-preview">
        {preview(rule, start, timezone)}
      </p>
      {error && (
        <p class="error" id="e-rrule">
          {error}
        </p>
      )}
    </fieldset>
  );
}
