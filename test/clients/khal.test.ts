import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { addDays, clientHome, clientSkip, fixedOffsetInstant, type ClientHome } from '../helpers/calendar-clients.ts';
import { CLIENT_CLOCK, createClientEvents, fetchText, LONG_DESCRIPTION, LONG_TITLE, RANGE, shownLines, type ClientFixture } from '../helpers/client-events.ts';

// khal imports our feed (`khal import --batch` into a vdir calendar) and lists it in a zone of
// its own: Asia/Kolkata, +05:30 all year, so every TZID has to be converted and a half-hour
// offset shows any rounding. TZ and khal's local_timezone/default_timezone agree.

const ZONE = 'Asia/Kolkata';
const OFFSET = '+05:30';
const SEP = '\u241f';

function khalConfig(home: ClientHome): string {
  return home.write(
    'config/khal/config',
    [
      '[calendars]',
      '[[feed]]',
      `path = ${path.join(home.data, 'calendars', 'feed')}`,
      'type = calendar',
      '[locale]',
      `local_timezone = ${ZONE}`,
      `default_timezone = ${ZONE}`,
      'timeformat = %H:%M',
      'dateformat = %Y-%m-%d',
      'longdateformat = %Y-%m-%d',
      'datetimeformat = %Y-%m-%dT%H:%M',
      'longdatetimeformat = %Y-%m-%dT%H:%M',
      '[default]',
      'default_calendar = feed',
      '[sqlite]',
      `path = ${path.join(home.data, 'khal.db')}`,
      '',
    ].join('\n'),
  );
}

describe('khal reads our feed', { skip: clientSkip('khal') }, () => {
  let t: TestApp & { baseUrl: string };
  let home: ClientHome;
  let config: string;
  let fixture: ClientFixture;
  let importOutput = '';

  const khal = async (args: string[]) => (await home.run('khal', ['-c', config, ...args], { tz: ZONE })).stdout;
  const list = (format: string, from = RANGE.from, days = RANGE.days) => khal(['list', '--format', format, '--day-format', '', from, `${days}d`]);

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    t.clock.now = CLIENT_CLOCK;
    fixture = await createClientEvents(t);
    home = clientHome('khal');
    config = khalConfig(home);
    home.write(path.join('data', 'calendars', 'feed', '.keep'), '');
    const feed = home.write('all.ics', await fetchText(t.baseUrl, '/feeds/all.ics'));
    importOutput = (await home.run('khal', ['-c', config, 'import', '--batch', feed], { tz: ZONE })).stderr;
  });
  after(async () => {
    home?.remove();
    await t?.close();
  });

  it('imports the feed without a warning', () => {
    // khal warned "Event start time and end time are the same" when a moved all-day occurrence
    // kept its original end date (DTEND = DTSTART); see test/core/ics/series-golden.test.ts.
    assert.doesNotMatch(importOutput, /warning|error/i, importOutput);
  });

  it('lists every occurrence at the instants the API gives', async () => {
    const out = await list(['{start}', '{end}', '{title}'].join(SEP));
    // khal repeats an item on every day it touches; an all-day end is shown inclusive.
    const lines = new Set<string>();
    for (const raw of out.split('\n').filter(Boolean)) {
      const [start, end, title] = raw.split(SEP) as [string, string, string];
      if (start.includes('T')) lines.add(`${fixedOffsetInstant(start, OFFSET)}|${fixedOffsetInstant(end, OFFSET)}|${title}`);
      else lines.add(`${start}|${addDays(end, 1)}|${title}`);
    }
    assert.deepEqual([...lines].sort(), shownLines(fixture.expected));
  });

  it('shows the cancelled event as cancelled, and the other items as confirmed', async () => {
    const out = await list(['{title}', '{status}'].join(SEP));
    const status = new Map(out.split('\n').filter(Boolean).map((l) => l.split(SEP).map((s) => s.trim()) as [string, string]));
    assert.equal(status.get('Cancelled talk'), 'CANCELLED');
    assert.equal(status.get('Berlin evening'), 'CONFIRMED');
  });

  it('shows long Unicode text with commas, semicolons and newlines as written', async () => {
    const [line] = await list(`{title}${SEP}{location}`, '2027-04-10', 1).then((o) => o.split('\n').filter(Boolean));
    assert.equal(line, `${LONG_TITLE}${SEP}Saal 1, Haus B; 2. OG`);
    const description = await list('{description}', '2027-04-10', 1);
    assert.equal(description.trimEnd(), LONG_DESCRIPTION);
  });

  it('stores one file per UID, a series with its changed occurrence', async () => {
    const dir = path.join(home.data, 'calendars', 'feed');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ics'));
    const byUid = new Map(files.map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return [/^UID:(.*)$/m.exec(text)![1]!.trim(), text] as const;
    }));
    assert.equal(files.length, byUid.size);
    assert.deepEqual([...byUid.keys()].sort(), Object.values(fixture.uids).sort());
    const choir = byUid.get(fixture.uids.exceptions!)!;
    assert.equal(choir.match(/BEGIN:VEVENT/g)?.length, 2);
    assert.match(choir, /RECURRENCE-ID;TZID=Europe\/Berlin:20270401T190000/);
    const uids = new Set((await list('{uid}')).split('\n').filter(Boolean));
    assert.deepEqual([...uids].sort(), Object.values(fixture.uids).sort(), 'khal lists every UID');
  });
});
