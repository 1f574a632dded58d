import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestEngine } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { seededRandom, seedFromEnv, type SeededRandom } from '../helpers/seeded-random.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { googleInstant, type GoogleEvent } from '../emulators/google-events.ts';
import { graphInstant, type GraphEvent } from '../emulators/microsoft-events.ts';
import type { FaultKind } from '../emulators/faults.ts';

// Issue 10: a randomized soak of push sync. A seeded script of a few hundred steps (organizer
// edits, people saving and unsaving, people deleting copies in their own calendars, providers
// failing for a while, access tokens dying early) runs against a Google and a Microsoft
// emulator while the worker runs now and then, so jobs interleave with changes. A model kept
// here says what must be true; once everything has settled, every calendar is compared with it.
//
// Replay a failure with the seed its message names:
//   SOAK_SEED=<seed> node --test test/integrations/sync-soak.test.ts
// The script (which step does what to whom) and the faults' dice are a pure function of the
// seed. Which request a fault lands on can still differ between runs, because the worker runs
// up to four jobs at once and their requests reach the emulators in whatever order.

const SEED = seedFromEnv('SOAK_SEED', 20_261_210);
const STEPS = Number(process.env.SOAK_STEPS ?? 300);
const REPLAY = `SOAK_SEED=${SEED}${process.env.SOAK_STEPS ? ` SOAK_STEPS=${STEPS}` : ''}`;
const PEOPLE = 12;
const FIRST_EVENTS = 8;

const PUBLIC = 'https://cal.example.test';
// Short deadlines keep a soak with many held answers fast; the hang outlasts the deadline, so a
// 'timeout' fault really is one for the client.
const PROVIDER_TIMEOUT_MS = 250;
const HANG_MS = 400;

const GOOGLE_KINDS: FaultKind[] = ['500', '503', '429', '403', 'timeout', 'timeout-after-write'];
// The Graph emulator has no '403' fault: a Graph 403 means access denied, not a rate limit.
const GRAPH_KINDS: FaultKind[] = ['500', '503', '429', 'timeout', 'timeout-after-write'];
const FAULT_MIXES: FaultKind[][] = [[], ['timeout-after-write', '500'], ['429', '503', 'timeout'], ['timeout-after-write', 'timeout', '429', '403']];

type Kind = 'google' | 'microsoft';

interface Connection {
  id: string;
  kind: Kind;
  person: number;
  email: string;
}

interface Person {
  cookie: string;
  connections: Connection[];
}

interface ModelEvent {
  id: string;
  uid: string;
  n: number;
  title: string;
  version: number;
  start: string;
  end: string;
  startUtc: number;
  url: string;
  urlVersion: number;
  cancelled: boolean;
}

interface Rig {
  t: TestApp;
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  people: Person[];
  connections: Connection[];
  /** Graph events deleted (by the app or by their owner), per transactionId. */
  graphDeletes: Map<string, number>;
  /** Calendar API calls each emulator refused with 401. */
  refused: Record<Kind, number>;
}

/** What must be true, kept next to the soak as it runs. */
interface Model {
  events: ModelEvent[];
  /** `${person}:${eventId}` */
  saved: Set<string>;
  /** `${person}:${eventId}` once unsaved: a later save of it is a re-save. */
  unsaved: Set<string>;
  /** `${connectionId}:${eventId}`: the person deleted this copy and has not saved the event since. */
  deletedByPerson: Set<string>;
  /** Per event and per `${person}:${eventId}`: what happened at which step (for diagnosis). */
  history: Map<string, string[]>;
  /** Fault windows and token expiries, for the report. */
  weather: string[];
  /** Push jobs seen rescheduled after a 401: `${jobKey} @step: error`. */
  unauthorizedRetries: Map<string, string>;
  /** The soak's own crashes (a worker tick that threw, a route that answered oddly). */
  crashes: string[];
  /** What the script did, by kind, for the summary (a soak that never hits a case proves nothing). */
  stats: Record<string, number>;
}

// --- the rig ---------------------------------------------------------------------------------

/** Connects `kind` for a person, signing in to the emulator as `email` (one account per person). */
async function connect(t: TestApp, kind: Kind, email: string, cookie?: string): Promise<{ cookie: string; id: string }> {
  const begin = await t.app.inject({ url: `/connect/${kind}?mode=push`, headers: cookie ? { cookie } : {} });
  const session = cookie ?? String(begin.headers['set-cookie']).split(';')[0]!;
  const authorize = new URL(String(begin.headers.location));
  // The emulators sign in as the login hint: without it everyone would share one calendar.
  authorize.searchParams.set('login_hint', email);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await t.app.inject({ url: back.pathname + back.search, headers: { cookie: session } });
  if (done.statusCode !== 302) throw new Error(`connecting ${kind} for ${email} failed: ${done.statusCode} ${done.body}`);
  const items = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: session } })).json().items as { id: string; kind: string; targetCalendar: unknown }[];
  const mine = items.filter((c) => c.kind === kind).at(-1)!;
  if (!mine.targetCalendar) throw new Error(`${kind} for ${email} has no calendar to write to`);
  return { cookie: session, id: mine.id };
}

async function startRig(engine: TestEngine, random: SeededRandom): Promise<Rig> {
  const google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
  const microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
  for (const [name, f] of [['google', google.faults], ['microsoft', microsoft.faults]] as const) {
    f.hangMs = HANG_MS;
    f.random = random.fork(`${name}-faults`).next;
  }
  // A second create of one transactionId is a duplicate only while the first copy still exists:
  // after an unsave (or the person's own delete) a re-save rightly creates it again.
  const graphDeletes = new Map<string, number>();
  const deleteGraphEvent = microsoft.events.delete.bind(microsoft.events);
  microsoft.events.delete = (id: string) => {
    const txid = microsoft.events.get(id)?.transactionId;
    if (txid) graphDeletes.set(txid, (graphDeletes.get(txid) ?? 0) + 1);
    return deleteGraphEvent(id);
  };
  const t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google, microsoft }), PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) });
  // Count the 401s: the summary shows that the token deaths really reached the app.
  const refused: Record<Kind, number> = { google: 0, microsoft: 0 };
  for (const [name, em] of [['google', google], ['microsoft', microsoft]] as const) {
    const authenticate = em.oauth.authenticate;
    em.oauth.authenticate = (req) => authenticate(req) ?? (refused[name]++, null);
  }
  return { t, google, microsoft, people: [], connections: [], graphDeletes, refused };
}

/** The people and their accounts (apart from startRig, so that a failure here still closes the rig). */
async function connectPeople(r: Rig): Promise<void> {
  const { t, people } = r;
  for (let p = 0; p < PEOPLE; p++) {
    // Half Google, half Microsoft; two of each half have both.
    const kinds: Kind[] = p < PEOPLE / 2 ? (p < 2 ? ['google', 'microsoft'] : ['google']) : p < PEOPLE / 2 + 2 ? ['microsoft', 'google'] : ['microsoft'];
    let cookie: string | undefined;
    const connections: Connection[] = [];
    for (const kind of kinds) {
      const email = `p${p}@${kind}.test`;
      const c = await connect(t, kind, email, cookie);
      cookie = c.cookie;
      connections.push({ id: c.id, kind, person: p, email });
    }
    people.push({ cookie: cookie!, connections });
    r.connections.push(...connections);
  }
}

async function stopRig(r: Rig | undefined) {
  await r?.t.close();
  await r?.google.close();
  await r?.microsoft.close();
}

// --- the calendars as the emulators hold them ------------------------------------------------

interface Copy {
  remoteId: string;
  title: string;
  startUtc: number | null;
  url: string;
  /** Google keeps a deleted event, cancelled; it counts as absent. */
  live: boolean;
  raw: GoogleEvent | GraphEvent;
}

/**
 * The copies in a connection's calendar, by our event id (copies of no known event under '').
 * A copy is known by what the soak wrote into it (its page url, else its title), not by ids the
 * app derives: those are the app's business and may change (Graph transactionIds did).
 */
function copiesOf(r: Rig, m: Model, c: Connection): Map<string, Copy[]> {
  const out = new Map<string, Copy[]>();
  const add = (copy: Copy) => {
    const n = /soak\.example\.test\/e(\d+)\//.exec(copy.url)?.[1] ?? /^Soak e(\d+) /.exec(copy.title)?.[1];
    const eventId = n === undefined ? '' : (m.events[Number(n)]?.id ?? '');
    out.set(eventId, [...(out.get(eventId) ?? []), copy]);
  };
  if (c.kind === 'google') {
    for (const e of r.google.events.values()) {
      if (r.google.calendars.get(e.calendarId)?.owner !== c.email) continue;
      add({ remoteId: e.id, title: String(e.summary), startUtc: googleInstant(e.start), url: String(e.description ?? ''), live: e.status !== 'cancelled', raw: e });
    }
  } else {
    for (const e of r.microsoft.events.values()) {
      if (e.owner !== c.email) continue;
      const content = (e.body as { content?: string } | undefined)?.content ?? '';
      add({ remoteId: e.id, title: String(e.subject), startUtc: graphInstant(e.start), url: content, live: true, raw: e });
    }
  }
  return out;
}

/** The person deletes the copy in their own calendar, as the provider's own app would. */
function deleteAsPerson(r: Rig, c: Connection, copy: Copy): void {
  if (c.kind === 'google') {
    const e = copy.raw as GoogleEvent;
    e.status = 'cancelled'; // Google keeps a deleted event, and its id, as cancelled
    e.etag = `"deleted-${Date.now().toString(36)}"`; // and, like any change, gives it a new etag
  } else {
    r.microsoft.events.delete(copy.remoteId);
  }
}

// --- the soak --------------------------------------------------------------------------------

const key = (a: string | number, b: string) => `${a}:${b}`;
const log = (m: Model, k: string, line: string) => m.history.set(k, [...(m.history.get(k) ?? []), line]);

function localTimes(n: number, hour: number): { start: string; end: string } {
  const day = String(1 + (n % 28)).padStart(2, '0');
  return { start: `2027-01-${day}T${String(hour).padStart(2, '0')}:00`, end: `2027-01-${day}T${String(hour + 2).padStart(2, '0')}:00` };
}

async function createEvent(r: Rig, m: Model, step: number): Promise<void> {
  const n = m.events.length;
  const times = localTimes(n, 18);
  const title = `Soak e${n} v0`;
  const url = `https://soak.example.test/e${n}/u0`;
  const res = await r.t.app.inject({ method: 'POST', url: '/api/v1/events', headers: r.t.auth, payload: { title, ...times, timezone: 'Europe/Paris', url } });
  assert.equal(res.statusCode, 201, `${REPLAY}: creating an event: ${res.body}`);
  const e = res.json();
  m.events.push({ id: e.id, uid: e.uid, n, title, version: 0, ...times, startUtc: Date.parse(e.startsAt), url, urlVersion: 0, cancelled: false });
  log(m, e.id, `s${step} created "${title}"`);
}

async function editEvent(r: Rig, m: Model, e: ModelEvent, patch: Record<string, string>, step: number, bumpsSequence: boolean): Promise<void> {
  const before = (await r.t.app.inject({ url: `/api/v1/events/${e.id}` })).json().sequence as number;
  const res = await r.t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: r.t.auth, payload: patch });
  assert.equal(res.statusCode, 200, `${REPLAY}: editing ${e.id}: ${res.body}`);
  const after = res.json();
  // The soak means to cover both kinds of edit: check it made the kind it meant.
  assert.equal(after.sequence, bumpsSequence ? before + 1 : before, `${REPLAY}: step ${step}: the edit ${JSON.stringify(patch)} should ${bumpsSequence ? '' : 'not '}bump SEQUENCE`);
  Object.assign(e, patch);
  e.startUtc = Date.parse(after.startsAt);
  log(m, e.id, `s${step} edited ${JSON.stringify(patch)} (sequence ${after.sequence})`);
}

type StepKind = 'create' | 'edit' | 'touch' | 'cancel' | 'save' | 'unsave' | 'delete-copy' | 'weather' | 'expire' | 'idle';
const STEP_WEIGHTS: [StepKind, number][] = [
  ['create', 6],
  ['edit', 9],
  ['touch', 6],
  ['cancel', 2],
  ['save', 26],
  ['unsave', 13],
  ['delete-copy', 10],
  ['weather', 4],
  ['expire', 3],
  ['idle', 21],
];
const TOTAL_WEIGHT = STEP_WEIGHTS.reduce((s, [, w]) => s + w, 0);

function stepKind(x: number): StepKind {
  let at = x * TOTAL_WEIGHT;
  for (const [kind, w] of STEP_WEIGHTS) if ((at -= w) < 0) return kind;
  return 'idle';
}

const nth = <T>(items: readonly T[], x: number): T | undefined => items[Math.floor(x * items.length)];

/** Push jobs that a 401 sent back to the queue: the app should have refreshed and gone on. */
async function noteUnauthorized(r: Rig, m: Model, when: string): Promise<void> {
  const rows = await r.t.database.db.selectFrom('outbox_jobs').select(['id', 'ordering_key', 'last_error', 'state']).where('last_error', 'like', '%401%').execute();
  // 401 as a status, not as three digits inside a remote id.
  for (const row of rows.filter((x) => /(^|[^0-9A-Za-z])401([^0-9A-Za-z]|$)/.test(x.last_error ?? ''))) {
    if (!m.unauthorizedRetries.has(row.id)) m.unauthorizedRetries.set(row.id, `${jobName(r, m, row.ordering_key)} at ${when} (${row.state}): ${row.last_error}`);
  }
}

/** `conn:<connection>:<event>` in the soak's own names (p3 google e6). */
function jobName(r: Rig, m: Model, orderingKey: string): string {
  const [, connectionId, eventId] = orderingKey.split(':');
  const c = r.connections.find((x) => x.id === connectionId);
  const e = m.events.find((x) => x.id === eventId);
  return c && e ? `p${c.person} ${c.kind} e${e.n}` : orderingKey;
}

async function tick(r: Rig, m: Model, when: string): Promise<void> {
  try {
    await r.t.services.worker.tick();
  } catch (error) {
    m.crashes.push(`${when}: a worker tick threw: ${(error as Error).stack ?? String(error)}`);
  }
  await noteUnauthorized(r, m, when);
}

async function runStep(r: Rig, m: Model, script: SeededRandom, step: number, weather: Record<Kind, number>): Promise<void> {
  // Every step draws the same four numbers whatever it turns out to be, so what one step does
  // never shifts the dice of the steps after it.
  const [what, a, b, c] = [script.next(), script.next(), script.next(), script.next()];
  const live = m.events.filter((e) => !e.cancelled);
  const person = Math.floor(a * PEOPLE);
  const cookie = r.people[person]!.cookie;

  for (const name of ['google', 'microsoft'] as const) {
    if (step !== weather[name]) continue;
    r[name].faults.randomShare = 0;
    m.weather.push(`s${step} ${name} well again`);
  }

  const kind = stepKind(what);
  const count = (what: string) => (m.stats[what] = (m.stats[what] ?? 0) + 1);
  count(kind);
  switch (kind) {
    case 'create':
      return createEvent(r, m, step);
    case 'edit': {
      const e = nth(live, a);
      if (!e) return;
      const patch: Record<string, string> = {};
      if (b < 0.5 || c < 0.3) patch.title = `Soak e${e.n} v${++e.version}`;
      if (b >= 0.5 || c < 0.3) Object.assign(patch, localTimes(e.n, 8 + ((Number(e.start.slice(11, 13)) - 8 + 1 + Math.floor(c * 3)) % 11)));
      return editEvent(r, m, e, patch, step, true);
    }
    case 'touch': {
      // The url is not a sequenced field: a change that moves updatedAt but not SEQUENCE.
      const e = nth(live, a);
      if (!e) return;
      return editEvent(r, m, e, { url: `https://soak.example.test/e${e.n}/u${++e.urlVersion}` }, step, false);
    }
    case 'cancel': {
      const e = nth(live, a);
      if (!e || live.length <= 4) return;
      const res = await r.t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: r.t.auth });
      assert.equal(res.statusCode, 200, `${REPLAY}: cancelling ${e.id}: ${res.body}`);
      e.cancelled = true;
      log(m, e.id, `s${step} cancelled`);
      return;
    }
    case 'save': {
      const mine = (e: ModelEvent) => m.saved.has(key(person, e.id));
      const deletedCopy = (e: ModelEvent) => r.people[person]!.connections.some((conn) => m.deletedByPerson.has(key(conn.id, e.id)));
      // A re-save after an unsave, a save while saved (asking again, most useful after the
      // person deleted the copy), or any live event.
      const candidates =
        b < 0.4
          ? live.filter((e) => !mine(e) && m.unsaved.has(key(person, e.id)))
          : b < 0.6
            ? (live.filter((e) => mine(e) && deletedCopy(e)).length > 0 ? live.filter((e) => mine(e) && deletedCopy(e)) : live.filter(mine))
            : live;
      const e = nth(candidates.length > 0 ? candidates : live, c);
      if (!e) return;
      const res = await r.t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      assert.ok(res.statusCode === 201 || res.statusCode === 200, `${REPLAY}: step ${step}: saving ${e.id}: ${res.statusCode} ${res.body}`);
      const how = res.statusCode === 200 ? 'saved again while saved' : m.unsaved.has(key(person, e.id)) ? 're-saved' : 'saved';
      if (deletedCopy(e)) count('saved again after deleting the copy');
      m.saved.add(key(person, e.id));
      for (const conn of r.people[person]!.connections) m.deletedByPerson.delete(key(conn.id, e.id));
      count(how);
      log(m, key(person, e.id), `s${step} ${how}`);
      return;
    }
    case 'unsave': {
      const e = nth(
        m.events.filter((x) => m.saved.has(key(person, x.id))),
        c,
      );
      if (!e) return;
      const res = await r.t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      assert.equal(res.statusCode, 204, `${REPLAY}: step ${step}: unsaving ${e.id}: ${res.body}`);
      m.saved.delete(key(person, e.id));
      m.unsaved.add(key(person, e.id));
      log(m, key(person, e.id), `s${step} unsaved`);
      return;
    }
    case 'delete-copy': {
      const conn = nth(r.connections, a)!;
      const copies = [...copiesOf(r, m, conn).entries()]
        .filter(([eventId]) => eventId !== '')
        .flatMap(([eventId, list]) => list.filter((x) => x.live).map((x) => ({ eventId, copy: x })))
        .sort((x, y) => x.copy.remoteId.localeCompare(y.copy.remoteId));
      const target = nth(copies, b);
      if (!target) return;
      deleteAsPerson(r, conn, target.copy);
      count('copy deleted by its owner');
      m.deletedByPerson.add(key(conn.id, target.eventId));
      log(m, key(conn.person, target.eventId), `s${step} deleted the ${conn.kind} copy in their calendar`);
      return;
    }
    case 'weather': {
      const share = 0.2 + 0.1 * b;
      const mix = nth(FAULT_MIXES, c)!;
      const which: Kind[] = a < 0.4 ? ['google'] : a < 0.8 ? ['microsoft'] : ['google', 'microsoft'];
      const until = step + 10 + Math.floor(c * 25);
      for (const name of which) {
        const allowed = name === 'google' ? GOOGLE_KINDS : GRAPH_KINDS;
        r[name].faults.randomKinds = mix.length === 0 ? allowed : mix.filter((k) => allowed.includes(k));
        r[name].faults.randomShare = share;
        weather[name] = until;
      }
      m.weather.push(`s${step} ${which.join('+')} fail ${Math.round(share * 100)}% of calls [${(mix.length ? mix : ['all']).join(',')}] until s${until}`);
      return;
    }
    case 'expire': {
      const which = a < 0.4 ? [r.google] : a < 0.8 ? [r.microsoft] : [r.google, r.microsoft];
      for (const em of which) em.oauth.expireAccessTokens();
      m.weather.push(`s${step} access tokens of ${which.map((em) => (em === r.google ? 'google' : 'microsoft')).join('+')} expired`);
      return;
    }
    case 'idle':
      return;
  }
}

/** Runs the worker, moving the clock past every backoff, until nothing is due or leased. */
async function settle(r: Rig, m: Model, rounds: number): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  for (let i = 0; i < rounds; i++) {
    try {
      await r.t.services.worker.drain();
    } catch (error) {
      m.crashes.push(`settling: a worker drain threw: ${(error as Error).stack ?? String(error)}`);
    }
    await noteUnauthorized(r, m, `settle round ${i}`);
    counts = await r.t.services.outbox.countsByState();
    if (!counts.ready && !counts.leased) return counts;
    r.t.clock.now += 120_000;
  }
  return counts;
}

// --- the verdict -----------------------------------------------------------------------------

interface Verdict {
  copies: string[];
  orphans: string[];
  resurrected: string[];
  queue: string[];
  duplicates: string[];
  unauthorized: string[];
  crashes: string[];
  summary: string;
}

async function judge(r: Rig, m: Model, settled: Record<string, number>, seconds: number): Promise<Verdict> {
  const rows = await r.t.database.db.selectFrom('pushed_copies').selectAll().execute();
  const row = (connectionId: string, eventId: string) => rows.find((x) => x.connection_id === connectionId && x.event_id === eventId);
  const byId = new Map(m.events.map((e) => [e.id, e]));
  const v: Verdict = { copies: [], orphans: [], resurrected: [], queue: [], duplicates: [], unauthorized: [], crashes: [], summary: '' };

  /** One line that says what is wrong, what the store and the calendar hold, and the story so far. */
  const describeCopy = (c: Connection, e: ModelEvent, found: Copy[], problem: string) => {
    const x = row(c.id, e.id);
    const db = x ? `store: ${x.state}, remote id ${x.remote_id ?? 'none'}${x.last_error ? `, "${x.last_error}"` : ''}` : 'store: no copy row';
    const held = found.map((f) => `${f.remoteId.slice(0, 12)}… "${f.title}"${f.live ? '' : ' (cancelled)'}`).join('; ') || 'nothing';
    const story = [...(m.history.get(key(c.person, e.id)) ?? []), ...(m.history.get(e.id) ?? [])].sort((p, q) => Number(p.slice(1, p.indexOf(' '))) - Number(q.slice(1, q.indexOf(' '))));
    return `p${c.person} ${c.kind} e${e.n}: ${problem}. ${db}; calendar holds: ${held}. History: ${story.join(', ')}`;
  };

  let wantedCount = 0;
  for (const c of r.connections) {
    const held = copiesOf(r, m, c);
    for (const e of m.events) {
      const found = held.get(e.id) ?? [];
      const liveCopies = found.filter((f) => f.live);
      const saved = m.saved.has(key(c.person, e.id));
      const deleted = m.deletedByPerson.has(key(c.id, e.id));
      if (saved && !e.cancelled && !deleted) {
        wantedCount++;
        if (liveCopies.length === 0) v.copies.push(describeCopy(c, e, found, 'saved and live, but no copy'));
        else if (liveCopies.length > 1) v.copies.push(describeCopy(c, e, found, `${liveCopies.length} copies`));
        else {
          const [copy] = liveCopies as [Copy];
          const stale = [
            copy.title !== e.title ? `title "${copy.title}", not "${e.title}"` : '',
            copy.startUtc !== e.startUtc ? `start ${copy.startUtc === null ? 'invalid' : new Date(copy.startUtc).toISOString()}, not ${new Date(e.startUtc).toISOString()}` : '',
            !copy.url.includes(e.url) ? `no ${e.url} in it` : '',
          ].filter(Boolean);
          if (stale.length > 0) v.copies.push(describeCopy(c, e, found, `stale copy: ${stale.join(', ')}`));
        }
      } else if (liveCopies.length > 0) {
        const why = [!saved && 'unsaved', e.cancelled && 'cancelled'].filter(Boolean).join(' and ');
        if (deleted) v.resurrected.push(describeCopy(c, e, found, `deleted by the person${why ? `, ${why}` : ''}, but a copy is back`));
        else v.orphans.push(describeCopy(c, e, found, `${why}, but a copy is left`));
      }
    }
    for (const stray of (held.get('') ?? []).filter((f) => f.live)) v.orphans.push(`p${c.person} ${c.kind}: a copy of no known event: "${stray.title}" ${stray.remoteId}`);
  }

  // Nothing left to do or given up on, in the outbox or as the people see it.
  if (Object.keys(settled).length > 0) v.queue.push(`the outbox holds ${JSON.stringify(settled)} after settling`);
  for (const job of await r.t.database.db.selectFrom('outbox_jobs').select(['ordering_key', 'state', 'attempts', 'last_error']).execute()) {
    v.queue.push(`job ${jobName(r, m, job.ordering_key)}: ${job.state} after ${job.attempts} attempts, "${job.last_error}"`);
  }
  for (const [p, person] of r.people.entries()) {
    const items = (await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: person.cookie } })).json().items as { eventId: string; connectionId: string; kind: string; state: string; lastError: string | null }[];
    for (const s of items.filter((i) => i.state === 'pending' || i.state === 'failed')) {
      const e = byId.get(s.eventId);
      v.queue.push(`p${p} ${s.kind} e${e?.n ?? s.eventId}: shown as ${s.state}, "${s.lastError}"`);
    }
    const connections = (await r.t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: person.cookie } })).json().items as { kind: string; status: string; statusReason: string | null }[];
    for (const c of connections.filter((x) => x.status !== 'active')) v.queue.push(`p${p} ${c.kind} connection is ${c.status}: "${c.statusReason}"`);
  }

  for (const [id, n] of r.google.inserts) if (n > 1) v.duplicates.push(`Google id ${id} inserted ${n} times`);
  for (const [txid, n] of r.microsoft.creates) {
    const deletes = r.graphDeletes.get(txid) ?? 0;
    if (n > 1 + deletes) v.duplicates.push(`Graph transactionId ${txid} created ${n} times, its copies deleted only ${deletes} times in between`);
  }
  v.unauthorized = [...m.unauthorizedRetries.values()];
  v.crashes = m.crashes;

  v.summary = [
    `${REPLAY}: ${STEPS} steps in ${seconds.toFixed(1)} s, ${m.events.length} events (${m.events.filter((e) => e.cancelled).length} cancelled);`,
    `${Object.entries(m.stats).map(([k, n]) => `${k} ${n}`).join(', ')};`,
    `${m.saved.size} saved at the end, ${wantedCount} copies wanted; Google answered ${r.google.requests.length} requests, Graph ${r.microsoft.requests.length};`,
    `401s: Google ${r.refused.google}, Graph ${r.refused.microsoft}; refreshes: Google ${r.google.oauth.counters.refreshes}, Microsoft ${r.microsoft.oauth.counters.refreshes}. Weather: ${m.weather.join('; ') || 'none'}`,
  ].join(' ');
  return v;
}

function report(what: string, problems: string[]): string {
  const shown = problems.slice(0, 25).map((p) => `  - ${p}`);
  return `${REPLAY}: ${what}: ${problems.length} problem(s)\n${shown.join('\n')}${problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''}`;
}

for (const engine of testEngines) {
  describe(`push sync soak on ${engine.name} (${REPLAY})`, { skip: engine.skip }, () => {
    let r: Rig | undefined;
    let verdict: Verdict;

    before(
      async () => {
        const started = performance.now();
        const random = seededRandom(SEED);
        const script = random.fork('script');
        r = await startRig(engine, random);
        await connectPeople(r);
        const m: Model = { events: [], saved: new Set(), unsaved: new Set(), deletedByPerson: new Set(), history: new Map(), weather: [], unauthorizedRetries: new Map(), crashes: [], stats: {} };
        for (let i = 0; i < FIRST_EVENTS; i++) await createEvent(r, m, 0);
        const weather: Record<Kind, number> = { google: -1, microsoft: -1 };
        for (let step = 1; step <= STEPS; step++) {
          await runStep(r, m, script, step, weather);
          // The worker runs a little, or not: jobs interleave with the changes that follow.
          if (script.chance(0.5)) await tick(r, m, `s${step}`);
          r.t.clock.now += script.int(20_000);
        }
        // The weather clears; everything due must now go through.
        for (const f of [r.google.faults, r.microsoft.faults]) f.randomShare = 0;
        const settled = await settle(r, m, 100);
        verdict = await judge(r, m, settled, (performance.now() - started) / 1000);
        console.log(verdict.summary);
      },
      { timeout: 90_000 },
    );
    after(() => stopRig(r));

    it('gives every saved, live event exactly one copy per connection, in its latest version', () => {
      assert.deepEqual(verdict.copies, [], report('missing, doubled or stale copies', verdict.copies));
    });

    it('leaves no copy of an unsaved or cancelled event', () => {
      assert.deepEqual(verdict.orphans, [], report('orphan copies', verdict.orphans));
    });

    it('never brings back a copy the person deleted, until they save the event again', () => {
      assert.deepEqual(verdict.resurrected, [], report('copies back after their owner deleted them', verdict.resurrected));
    });

    it('leaves nothing pending or failed, and every connection active', () => {
      assert.deepEqual(verdict.queue, [], report('unfinished work', verdict.queue));
    });

    it('never creates an event twice (Google ids, Graph transactionIds)', () => {
      assert.deepEqual(verdict.duplicates, [], report('duplicate creates', verdict.duplicates));
    });

    it('refreshes a refused access token at once instead of failing the push', () => {
      assert.deepEqual(verdict.unauthorized, [], report('push attempts that failed with 401 and were put off', verdict.unauthorized));
    });

    it('runs without the worker or a route crashing', () => {
      assert.deepEqual(verdict.crashes, [], report('crashes', verdict.crashes));
    });
  });
}
