import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { addDays, clientHome, clientSkip, type ClientHome } from '../helpers/calendar-clients.ts';
import { CLIENT_CLOCK, createClientEvents, fetchText, LONG_DESCRIPTION, RANGE, shownLines, type ClientFixture } from '../helpers/client-events.ts';

// calcurse imports our feed (`calcurse -D dir -i feed.ics`) and answers a query in TZ
// Asia/Kolkata (+05:30, no DST). calcurse converts every TZID time into its own zone when it
// imports, and stores recurrences in its own wall-clock time; what that costs calcurse users is
// asserted below as calcurse's known behaviour (we follow RFC 5545 there; see each comment).

const ZONE = 'Asia/Kolkata';
const SEP = '\u241f';
/** The yearly series' original second occurrence, which calcurse keeps beside the moved one. */
const ORIGINAL_OF_MOVED_DAY = '2028-02-14|2028-02-15|Yearly day';

describe('calcurse reads our feed', { skip: clientSkip('calcurse') }, () => {
  let t: TestApp & { baseUrl: string };
  let home: ClientHome;
  let dir: string;
  let fixture: ClientFixture;
  let importReport = '';

  const query = async (formatApt: string, from = RANGE.from, days = RANGE.days) =>
    (
      await home.run(
        'calcurse',
        [
          '-D', dir, '-Q', '--input-datefmt', '4', '--output-datefmt', '%Y-%m-%d', '--from', from, '--days', String(days),
          '--format-apt', formatApt, '--format-recur-apt', formatApt,
          '--format-event', `E${SEP}%m\n`, '--format-recur-event', `E${SEP}%m\n`,
        ],
        { tz: ZONE },
      )
    ).stdout;

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    t.clock.now = CLIENT_CLOCK;
    fixture = await createClientEvents(t);
    home = clientHome('calcurse');
    dir = path.join(home.data, 'calcurse');
    home.write(path.join('data', 'calcurse', 'apts'), '');
    const feed = home.write('all.ics', await fetchText(t.baseUrl, '/feeds/all.ics'));
    // calcurse exits 1 when it skipped an item (see the Tuesday series below); the report says which.
    importReport = await home.run('calcurse', ['-D', dir, '-i', feed], { tz: ZONE }).then(
      (r) => r.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
  });
  after(async () => {
    home?.remove();
    await t?.close();
  });

  /** `start|end|title` lines as the other suites have them: appointments by instant, all-day days joined into ranges. */
  async function shown(): Promise<string[]> {
    const out = await query(`A${SEP}%s${SEP}%e${SEP}%m\n`);
    const lines = new Set<string>();
    const days = new Map<string, string[]>();
    let day = '';
    for (const raw of out.split('\n')) {
      const header = /^(\d{4}-\d{2}-\d{2}):$/.exec(raw);
      if (header) day = header[1]!;
      else if (raw.startsWith(`A${SEP}`)) {
        const [, start, end, title] = raw.split(SEP);
        lines.add(`${new Date(Number(start) * 1000).toISOString()}|${new Date(Number(end) * 1000).toISOString()}|${title}`);
      } else if (raw.startsWith(`E${SEP}`)) {
        const title = raw.slice(2);
        days.set(title, [...(days.get(title) ?? []), day]);
      }
    }
    for (const [title, list] of days) {
      let first = list[0]!;
      let last = first;
      for (const d of [...list.slice(1), '']) {
        if (d === addDays(last, 1)) last = d;
        else {
          lines.add(`${first}|${addDays(last, 1)}|${title}`);
          first = last = d;
        }
      }
    }
    return [...lines].sort();
  }

  it('shows one-off events (all zones, all-day, the repeated autumn hour) and the series it can represent at the instants the API gives', async () => {
    const lines = await shown();
    // The daily Night shift crosses Berlin's autumn change: calcurse keeps its own wall clock
    // there too (see the Thursday choir below), so it is left out here.
    const supported = shownLines(fixture.expected, ['dstWeekly', 'exceptions', 'repeatedSeries']);
    assert.deepEqual(
      lines.filter((l) => !l.endsWith('|Tuesday jam') && !/\|Thursday choir/.test(l) && !l.endsWith('|Night shift') && l !== ORIGINAL_OF_MOVED_DAY),
      supported,
    );
  });

  it('known calcurse behaviour: BYDAY is checked in its own zone, so a series whose weekday differs there is skipped', async () => {
    // 19:00 on Tuesdays in New York is Wednesday 05:30 in Kolkata; calcurse refuses the rule
    // ("rrule does not match start day") and the whole series is missing. RFC 5545 evaluates
    // BYDAY in DTSTART's zone, as we write it (libical and khal show all four Tuesdays).
    assert.match(importReport, /1 skipped/);
    assert.ok(!(await shown()).some((l) => l.endsWith('|Tuesday jam')));
  });

  it('known calcurse behaviour: a series keeps calcurse\'s own wall-clock time, ignores RECURRENCE-ID and counts COUNT after EXDATE', async () => {
    const choir = (await shown()).filter((l) => /\|Thursday choir/.test(l));
    // What RFC 5545 (and the API, khal, libical) give: 18:00Z before Berlin's change on 28 March,
    // 17:00Z after; 18 March cancelled (EXDATE); 1 April moved to 20:30 Berlin (18:30Z).
    // calcurse shows: every occurrence at 23:30 Kolkata (18:00Z) also after Berlin's change; the
    // moved occurrence as an extra appointment beside the original; and a sixth Thursday
    // (22 April), because it counts COUNT=6 without the excluded date.
    assert.deepEqual(choir, [
      '2027-03-11T18:00:00.000Z|2027-03-11T19:30:00.000Z|Thursday choir',
      '2027-03-25T18:00:00.000Z|2027-03-25T19:30:00.000Z|Thursday choir',
      '2027-04-01T18:00:00.000Z|2027-04-01T19:30:00.000Z|Thursday choir',
      '2027-04-01T18:30:00.000Z|2027-04-01T20:00:00.000Z|Thursday choir (moved)',
      '2027-04-08T18:00:00.000Z|2027-04-08T19:30:00.000Z|Thursday choir',
      '2027-04-15T18:00:00.000Z|2027-04-15T19:30:00.000Z|Thursday choir',
      '2027-04-22T18:00:00.000Z|2027-04-22T19:30:00.000Z|Thursday choir',
    ]);
    // The same for the all-day series: its moved occurrence (RECURRENCE-ID) is shown on its new
    // day and, from the master, on its original day.
    const yearly = (await shown()).filter((l) => l.includes('|Yearly day'));
    assert.deepEqual(yearly, [...shownLines(fixture.expected.filter((e) => e.key === 'yearly')), ORIGINAL_OF_MOVED_DAY].sort());
    const api = shownLines(fixture.expected.filter((e) => e.key === 'exceptions'));
    assert.deepEqual(choir.filter((l) => api.includes(l)), api.filter((l) => l < '2027-03-28' || l.includes('(moved)')), 'what both agree on');
  });

  it('imports one-event downloads at the same instants', async () => {
    const downloads = path.join(home.data, 'downloads');
    home.write(path.join('data', 'downloads', 'apts'), '');
    for (const key of ['newyork', 'lordhoweWinter', 'multiDay', 'repeated', 'monthly']) {
      const file = home.write(`${key}.ics`, await fetchText(t.baseUrl, `/events/${fixture.ids[key]}.ics`));
      await home.run('calcurse', ['-D', downloads, '-i', file], { tz: ZONE });
    }
    const saved = dir;
    dir = downloads;
    try {
      assert.deepEqual(await shown(), shownLines(fixture.expected.filter((e) => ['newyork', 'lordhoweWinter', 'multiDay', 'repeated', 'monthly'].includes(e.key))));
    } finally {
      dir = saved;
    }
  });

  it('keeps the description with commas, semicolons, newlines and Unicode in the note; shows the cancelled event like any other', async () => {
    // %N prints the note with each line indented by a tab.
    const out = (await query(`A${SEP}%m${SEP}%N\n`, '2027-04-10', 1)).replace(/(^|\u241f)\t/gm, '$1');
    assert.ok(out.includes(`${SEP}${LONG_DESCRIPTION}\n`), out);
    assert.ok(out.includes('Saal 1, Haus B; 2. OG'));
    // calcurse has no status: STATUS:CANCELLED is not imported, the event looks confirmed.
    const cancelled = await query(`A${SEP}%m\n`, '2027-02-10', 2);
    assert.match(cancelled, /Cancelled talk/);
  });
});
