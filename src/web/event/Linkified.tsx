// A description with its web addresses clickable. The text stays text (Preact escapes it);
// only http(s) addresses become links, so no markup or javascript: URL can get in.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that ends a sentence is not part of the address ("see https://x.org.").
const TRAILING = /[.,;:!?)\]]+$/;

export function Linkified({ text }: { text: string }) {
  const parts: (string | { href: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const href = match[0].replace(TRAILING, '');
    const start = match.index;
    parts.push(text.slice(last, start), { href });
    last = start + href.length;
  }
  parts.push(text.slice(last));
  return (
    <p class="description">
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <a key={i} href={p.href} rel="noopener nofollow ugc" target="_blank">
            {p.href}
          </a>
        ),
      )}
    </p>
  );
}
