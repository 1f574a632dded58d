import { createHash } from 'node:crypto';

/**
 * A URL-safe, ASCII slug for titles and category names. Accents are folded ("Café" -> "cafe");
 * text with no Latin letters at all (e.g. CJK) gets a short stable hash so it still has a slug.
 */
export function slugify(text: string, maxLength = 60): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  if (ascii.length > 0) return ascii;
  return 'x-' + createHash('sha256').update(text.normalize('NFC')).digest('hex').slice(0, 10);
}
