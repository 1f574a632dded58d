// RFC 6266 Content-Disposition with an ASCII fallback and an RFC 8187 `filename*`.

const UNSAFE_ASCII = /[^\x20-\x7e]|["\\/%;]/gu;

export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  // Never let a name carry a line break, a path or a quote into the header.
  const clean = filename.replace(/[\u0000-\u001f\u007f/\\]/g, ' ').replace(/\s+/g, ' ').trim() || 'event.ics';
  const ascii = clean.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(UNSAFE_ASCII, '_');
  const header = `${kind}; filename="${ascii}"`;
  if (ascii === clean) return header;
  return `${header}; filename*=UTF-8''${encodeRfc8187(clean)}`;
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*!]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
