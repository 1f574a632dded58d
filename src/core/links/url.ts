// Query-string building and length fitting shared by the add-to-calendar and subscribe links.
// Pure string work: no URL/URLSearchParams, because URLSearchParams writes `+` for spaces, which
// Google tolerates but other endpoints may read literally (interop.md §4).

/**
 * Every generated URL is strictly shorter than this. No provider documents a limit, but mail
 * clients and link scanners truncate long links (interop.md §4), and a truncated link loses
 * the event page URL at its end.
 */
export const MAX_URL_LENGTH = 2000;

/**
 * encodeURIComponent, after replacing lone surrogates with U+FFFD: encodeURIComponent throws on
 * them, and a 500 on a malformed description is worse than one replacement character.
 */
export function encodeValue(value: string): string {
  return encodeURIComponent(value.toWellFormed());
}

/** `base?k=v&…` with every value encoded; pairs whose value is null are left out. */
export function withQuery(base: string, pairs: readonly (readonly [name: string, value: string | null])[]): string {
  const query = pairs
    .flatMap(([name, value]) => (value === null ? [] : [`${name}=${encodeValue(value)}`]))
    .join('&');
  return `${base}?${query}`;
}

/** The free text of an event that may be shortened to make a URL fit. */
export interface LinkText {
  title: string;
  location: string | null;
  description: string | null;
}

// Least important first: the description is usually long and is one click away on the event
// page; location and title only get cut in pathological cases (hundreds of emoji).
const SHRINK_ORDER = ['description', 'location', 'title'] as const;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Renders a URL and, while it is too long, shortens the description, then the location, then
 * the title. Cuts fall between grapheme clusters (so also between code points, and never inside
 * a percent-escape, since encoding happens after the cut) and the cut text ends with "…".
 * `render` must keep everything else (the event page URL above all) intact.
 */
export function fitUrl(text: LinkText, render: (text: LinkText) => string, max = MAX_URL_LENGTH): string {
  let current = text;
  let url = render(current);
  for (const field of SHRINK_ORDER) {
    if (url.length < max) return url;
    const original = current[field];
    if (!original) continue;
    const units = Array.from(segmenter.segment(original), (s) => s.segment);
    const withPrefix = (count: number): LinkText => ({ ...current, [field]: shortened(units, count) });
    // Largest prefix whose URL fits. URL length never shrinks as the prefix grows, so a binary
    // search over the count is exact; count = units.length is the uncut text, known not to fit.
    let best = 0;
    let lo = 1;
    let hi = units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (render(withPrefix(mid)).length < max) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    current = withPrefix(best);
    url = render(current);
  }
  return url;
}

/** The first `count` graphemes plus "…"; empty when nothing but whitespace would be left. */
function shortened(units: readonly string[], count: number): string {
  const head = units.slice(0, count).join('').trimEnd();
  return head === '' ? '' : `${head}…`;
}
