// Fixtures and URL inspection shared by the link tests.
import assert from 'node:assert/strict';
import { createEvent, type NewEventInput } from '../../../src/core/events/rules.ts';
import type { CalendarEvent } from '../../../src/core/events/event.ts';
import type { AddLinkContext } from '../../../src/core/links/index.ts';

export const NOW = Date.UTC(2025, 0, 1);

export const ctx: AddLinkContext = {
  eventPageUrl: 'https://cal.example.test/events/team-sync',
  icsUrl: 'https://cal.example.test/events/team-sync.ics',
};

export function event(input: NewEventInput): CalendarEvent {
  return createEvent(input, 'calendar.club', NOW);
}

// What encodeURIComponent may output: unreserved marks and well-formed %XX escapes, nothing
// else (no raw space, +, &, #, quote, <, newline).
const ENCODED = /^(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})*$/;

/**
 * The query of `url` as raw (still encoded) and decoded values, by name. Asserts that every value
 * is exactly encodeURIComponent output and decodes without throwing.
 */
export function query(url: string): { raw: Map<string, string>; value: Map<string, string> } {
  const q = url.slice(url.indexOf('?') + 1);
  const raw = new Map<string, string>();
  const value = new Map<string, string>();
  for (const pair of q.split('&')) {
    const eq = pair.indexOf('=');
    assert.ok(eq > 0, `malformed pair ${pair}`);
    const name = pair.slice(0, eq);
    const v = pair.slice(eq + 1);
    assert.match(v, ENCODED, `${name} must be encodeURIComponent output`);
    assert.ok(!raw.has(name), `duplicate ${name}`);
    raw.set(name, v);
    value.set(name, decodeURIComponent(v));
  }
  return { raw, value };
}

/** Decoded value of one query parameter; fails when it is missing. */
export function param(url: string, name: string): string {
  const v = query(url).value.get(name);
  assert.ok(v !== undefined, `${name} missing from ${url}`);
  return v;
}
