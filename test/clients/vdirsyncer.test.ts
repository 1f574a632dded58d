import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';
import { clientHome, clientSkip, type ClientHome } from '../helpers/calendar-clients.ts';
import { CLIENT_CLOCK, createClientEvents, type ClientFixture } from '../helpers/client-events.ts';

// vdirsyncer syncs our feeds (its `http` storage, on 127.0.0.1) into a `filesystem` storage,
// one file per item. Its http storage splits the feed by UID (a series' master and changed
// occurrences stay together, with the VTIMEZONEs they use) and then replaces each UID by a hash
// of the item, so an edited event arrives as a new item replacing the old one.

describe('vdirsyncer syncs our feeds', { skip: clientSkip('vdirsyncer') }, () => {
  let t: TestApp & { baseUrl: string };
  let home: ClientHome;
  let config: string;
  let fixture: ClientFixture;
  let personalUrl = '';

  const vdirsyncer = async (args: string[]) => {
    const { stdout, stderr } = await home.run('vdirsyncer', ['-c', config, ...args], { tz: 'UTC' });
    return stdout + stderr;
  };
  const localDir = (name: string) => path.join(home.data, 'vdir', name);
  const snapshot = (name: string) =>
    new Map(
      fs
        .readdirSync(localDir(name))
        .filter((f) => f.endsWith('.ics'))
        .map((f) => [f, fs.readFileSync(path.join(localDir(name), f), 'utf8')] as const),
    );
  const summary = (item: string) => /^SUMMARY:(.*)$/m.exec(item.replace(/\r\n[ \t]/g, ''))![1]!.trim();

  before(async () => {
    t = await startTestServer(testEngines[0]!);
    t.clock.now = CLIENT_CLOCK;
    fixture = await createClientEvents(t);

    // A visitor saves two events and gets a personal feed URL.
    let cookie = '';
    const asVisitor = async (url: string) => {
      const res = await t.app.inject({ method: 'POST', url, headers: cookie ? { cookie } : {} });
      const set = res.headers['set-cookie'];
      if (set) cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
      assert.ok(res.statusCode < 300, res.body);
      return res;
    };
    await asVisitor(`/api/v1/me/saved/${fixture.ids.berlin}`);
    await asVisitor(`/api/v1/me/saved/${fixture.ids.exceptions}`);
    personalUrl = (await asVisitor('/api/v1/me/feed-token/rotate')).json().url;
    assert.ok(personalUrl.startsWith(`${t.baseUrl}/feeds/personal/`), personalUrl);

    home = clientHome('vdirsyncer');
    const pair = (name: string, url: string) => [
      `[pair ${name}]`,
      `a = "${name}_remote"`,
      `b = "${name}_local"`,
      'collections = null',
      '',
      `[storage ${name}_remote]`,
      'type = "http"',
      `url = "${url}"`,
      '',
      `[storage ${name}_local]`,
      'type = "filesystem"',
      `path = "${localDir(name)}"`,
      'fileext = ".ics"',
      '',
    ];
    config = home.write(
      'config/vdirsyncer/config',
      ['[general]', `status_path = "${path.join(home.data, 'vdirsyncer-status')}"`, '', ...pair('all', `${t.baseUrl}/feeds/all.ics`), ...pair('personal', personalUrl)].join('\n'),
    );
    fs.mkdirSync(localDir('all'), { recursive: true });
    fs.mkdirSync(localDir('personal'), { recursive: true });
    await vdirsyncer(['discover']);
  });
  after(async () => {
    home?.remove();
    await t?.close();
  });

  it('syncs the feed into one item per UID, a series with its changed occurrence', async () => {
    await vdirsyncer(['sync', 'all']);
    const items = [...snapshot('all').values()];
    assert.equal(items.length, Object.keys(fixture.uids).length);
    assert.equal(new Set(items.map(summary)).size, items.length, 'no event twice');
    for (const item of items) {
      assert.equal(item.match(/^UID:/gm)?.length, item.match(/BEGIN:VEVENT/g)?.length, 'every VEVENT has its UID');
      assert.equal(new Set(item.match(/^UID:.*$/gm)).size, 1, 'one UID per item');
    }
    const choir = items.find((i) => summary(i) === 'Thursday choir')!;
    assert.equal(choir.match(/BEGIN:VEVENT/g)?.length, 2);
    assert.match(choir, /RECURRENCE-ID;TZID=Europe\/Berlin:20270401T190000/);
    assert.match(choir, /EXDATE;TZID=Europe\/Berlin:20270318T190000/);
    // vdirsyncer copies every VTIMEZONE of the feed into every item, and leaves them out of the
    // hash it compares, so a zone block that changes with the feed's date range moves no item.
    assert.match(choir, /BEGIN:VTIMEZONE\r?\nTZID:Europe\/Berlin/);

    const again = await vdirsyncer(['sync', 'all']);
    assert.doesNotMatch(again, /Copying|Deleting/, 'a second sync without a change copies nothing');
  });

  it('after an edit, a sync replaces exactly the edited item', async () => {
    const before = snapshot('all');
    t.clock.now += 1000;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${fixture.ids.berlin}`,
      headers: t.auth,
      payload: { start: '2027-02-15T20:00', end: '2027-02-15T22:30', title: 'Berlin evening, later' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = await vdirsyncer(['sync', 'all']);
    assert.equal(out.match(/Copying/g)?.length, 1, out);
    assert.equal(out.match(/Deleting/g)?.length, 1, out);
    const now = snapshot('all');
    const removed = [...before.keys()].filter((f) => !now.has(f));
    const added = [...now.keys()].filter((f) => !before.has(f));
    assert.equal(removed.length, 1);
    assert.equal(added.length, 1);
    assert.equal(summary(before.get(removed[0]!)!), 'Berlin evening');
    const edited = now.get(added[0]!)!;
    assert.equal(summary(edited), 'Berlin evening\\, later');
    assert.match(edited, /DTSTART;TZID=Europe\/Berlin:20270215T200000/);
    assert.match(edited, /SEQUENCE:1/);
    for (const [file, text] of now) if (file !== added[0]) assert.equal(text, before.get(file), `${file} is untouched`);
  });

  it('syncs a personal feed URL', async () => {
    await vdirsyncer(['sync', 'personal']);
    const items = [...snapshot('personal').values()];
    assert.deepEqual(items.map(summary).sort(), ['Berlin evening\\, later', 'Thursday choir']);
    assert.equal(items.find((i) => summary(i) === 'Thursday choir')!.match(/BEGIN:VEVENT/g)?.length, 2);
  });
});
