import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { clientHome, libicalSkip, SYSTEM_PYTHON, type ClientHome } from '../helpers/calendar-clients.ts';
import {
  CLIENT_CLOCK,
  createClientEvents,
  fetchText,
  LONG_DESCRIPTION,
  LONG_TITLE,
  line,
  RANGE,
  shownLines,
  type ClientFixture,
} from '../helpers/client-events.ts';

// libical (the parser of Evolution and GNOME Calendar) reads our feed and our one-event
// downloads; series are expanded with its own recurrence iterator (test/helpers/libical_expand.py).

const SCRIPT = path.join(import.meta.dirname, '../helpers/libical_expand.py');

interface LibicalItem {
  uid: string;
  title: string | null;
  description: string | null;
  location: string | null;
  status: string;
  allDay: boolean;
  start: number | string;
  end: number | string;
  recurrenceId?: string;
}
interface LibicalResult {
  vevents: LibicalItem[];
  occurrences: LibicalItem[];
  errors: string[];
}

const iso = (v: number | string) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : v);
const asLine = (o: LibicalItem) => line({ start: iso(o.start), end: iso(o.end), title: o.title ?? '' });

describe('libical reads our feeds and downloads', { skip: libicalSkip() }, () => {
  let t: TestApp & { baseUrl: string };
  let home: ClientHome;
  let fixture: ClientFixture;
  const rangeEnd = new Date(Date.parse(`${RANGE.from}T00:00:00Z`) + RANGE.days * 86_400_000).toISOString().replace(/[-:]|\.\d+/g, '');

  const parse = async (ics: string, name = 'feed.ics'): Promise<LibicalResult> => {
    const file = home.write(name, ics);
    const { stdout } = await home.run(SYSTEM_PYTHON, [SCRIPT, file, '20270101T000000Z', rangeEnd], { tz: 'Asia/Kolkata' });
    return JSON.parse(stdout) as LibicalResult;
  };

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    t.clock.now = CLIENT_CLOCK;
    fixture = await createClientEvents(t);
    home = clientHome('libical');
  });
  after(async () => {
    home?.remove();
    await t?.close();
  });

  it('expands the feed to the instants the API gives, without parse errors', async () => {
    const result = await parse(await fetchText(t.baseUrl, '/feeds/all.ics'));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.occurrences.map(asLine).sort(), shownLines(fixture.expected));
    // The cancelled event stays, marked; the cancelled occurrence is gone (EXDATE); the moved
    // one replaces its original (RECURRENCE-ID, same UID).
    const statuses = new Map(result.occurrences.map((o) => [o.title, o.status]));
    assert.equal(statuses.get('Cancelled talk'), 'CANCELLED');
    const choir = result.vevents.filter((v) => v.uid === fixture.uids.exceptions);
    assert.deepEqual(choir.map((v) => v.recurrenceId ?? null), [null, '20270401T190000']);
  });

  it('unescapes and unfolds long Unicode text with commas, semicolons and newlines', async () => {
    const result = await parse(await fetchText(t.baseUrl, '/feeds/all.ics'));
    const unicode = result.vevents.find((v) => v.uid === fixture.uids.unicode)!;
    assert.equal(unicode.title, LONG_TITLE);
    assert.equal(unicode.description, LONG_DESCRIPTION);
    assert.equal(unicode.location, 'Saal 1, Haus B; 2. OG');
  });

  it('reads every one-event download as the same occurrences', async () => {
    for (const [key, id] of Object.entries(fixture.ids)) {
      const result = await parse(await fetchText(t.baseUrl, `/events/${id}.ics`), `${key}.ics`);
      assert.deepEqual(result.errors, [], key);
      const expected = shownLines(fixture.expected.filter((e) => e.key === key));
      assert.deepEqual(result.occurrences.map(asLine).sort(), expected, key);
    }
  });
});
