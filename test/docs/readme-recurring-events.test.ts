import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseRule } from '../../src/core/recurrence/rule.ts';
import { OccurrenceJson, OccurrencePatchBody, OccurrenceQuery } from '../../src/http/schemas/occurrence.ts';

// The README's "Recurring events" section is what integrators read instead of the code: it
// must name every route and field the occurrence schemas really have, its example rules must be
// ones we accept, and it must say what each calendar target does with a series.

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

test('the section names the three occurrence routes the server registers', () => {
  const text = section('Recurring events');
  const source = fs.readFileSync(path.join(root, 'src/http/routes/occurrences.ts'), 'utf8');
  const paths = [...source.matchAll(/r\.(get|patch|post)\(\s*'([^']+)'/g)].map(([, method, p]) => `${method!.toUpperCase()} ${p!.replace(/:(\w+)/g, '{$1}')}`);
  assert.equal(paths.length, 3);
  for (const route of paths) assert.ok(text.includes(route), `README documents ${route}`);
});

test('the section names every field of the occurrence schemas', () => {
  const text = section('Recurring events');
  for (const schema of [OccurrenceQuery, OccurrencePatchBody, OccurrenceJson]) {
    for (const field of Object.keys(schema.properties)) assert.ok(text.includes(field), `README mentions "${field}"`);
  }
  assert.match(text, /original local start/);
});

test('every example rule in the section parses', () => {
  const examples = [...section('Recurring events').matchAll(/`(FREQ=[A-Z0-9=;,-]+)`/g)].map((m) => m[1]!);
  const refusedOnPurpose = (rule: string) => /HOURLY|SECONDLY|MINUTELY/.test(rule) || /^FREQ=YEARLY;BYMONTHDAY/.test(rule);
  const accepted = examples.filter((r) => !refusedOnPurpose(r));
  assert.ok(accepted.length >= 3, 'the section gives examples');
  for (const rule of accepted) assert.doesNotThrow(() => parseRule(rule), rule);
});

test('the section says what each calendar target does with a series', () => {
  const text = section('Recurring events');
  const rows = new Map(
    [...text.matchAll(/^\| ([^|]+) \| ([^|]+) \|$/gm)].map(([, target, what]) => [target!.trim(), what!.trim()]),
  );
  const row = (name: RegExp) => [...rows].find(([target]) => name.test(target))?.[1] ?? assert.fail(`no row for ${name}`);
  assert.match(row(/feeds/), /RRULE.*EXDATE.*RECURRENCE-ID/s);
  assert.match(row(/Google link/), /recur=RRULE.*ctz/s);
  assert.match(row(/Outlook\.com, Office 365, Yahoo/), /first date only/);
  assert.match(row(/push/), /\(#push-sync\)/);
  assert.match(row(/conflicts/), /each occurrence/);
  assert.match(row(/email invites/), /master.*changed occurrences/s);
  assert.ok(readme.includes('\n## Push sync\n'), 'the push link has its target');
});
