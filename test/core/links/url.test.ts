import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeValue, fitUrl, withQuery, type LinkText } from '../../../src/core/links/url.ts';

describe('query building', () => {
  it('encodes with encodeURIComponent, not form encoding', () => {
    assert.equal(encodeValue('a b+c&d=e#f/g'), 'a%20b%2Bc%26d%3De%23f%2Fg');
    assert.notEqual(encodeValue('a b'), new URLSearchParams({ v: 'a b' }).toString().slice(2), 'URLSearchParams writes +');
  });

  it('keeps pair order and leaves out null values', () => {
    assert.equal(withQuery('https://x.test/p', [['a', '1 2'], ['b', null], ['c', '']]), 'https://x.test/p?a=1%202&c=');
  });
});

describe('fitUrl', () => {
  const render = (t: LinkText) => withQuery('https://x.test/', [['t', t.title], ['l', t.location || null], ['d', t.description || null]]);
  const text: LinkText = { title: 'Title', location: 'Place', description: 'ab cd ef gh ij kl mn op qr st uv wx yz' };

  it('returns the URL unchanged when it fits', () => {
    assert.equal(fitUrl(text, render, 1000), render(text));
  });

  it('keeps the longest description prefix that fits, trimmed, with "…"', () => {
    const full = render(text).length;
    for (let max = full - 1; max > full - 40; max--) {
      const url = fitUrl(text, render, max);
      assert.ok(url.length < max, `max ${max}`);
      const d = new URL(url).searchParams.get('d');
      if (d === null) continue; // nothing fitted: the description is left out
      assert.ok(d.endsWith('…') && !d.endsWith(' …'), d);
      assert.ok(text.description!.startsWith(d.slice(0, -1)));
      // The next longer cut would not have fitted.
      const kept = d.length - 1;
      let j = kept + 1;
      while (text.description!.slice(0, j).trimEnd().length <= kept) j++;
      const longer = `${text.description!.slice(0, j).trimEnd()}…`;
      assert.ok(render({ ...text, description: longer }).length >= max, `max ${max}: ${d}`);
    }
  });

  it('gives up the description, then the location, before shortening the title', () => {
    const long = { ...text, title: 'Title words here' };
    const base = render({ title: long.title, location: null, description: null }).length;
    assert.equal(fitUrl(long, render, base + 1), 'https://x.test/?t=Title%20words%20here');
    // The longest cut under the limit ("…" is 9 characters encoded); a space before it is trimmed.
    assert.equal(fitUrl(long, render, base), `https://x.test/?t=${encodeValue('Title wo…')}`);
    assert.equal(fitUrl(long, render, base - 3), `https://x.test/?t=${encodeValue('Title…')}`);
  });
});
