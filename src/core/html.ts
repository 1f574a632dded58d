/** Text made safe inside HTML content and quoted attributes: the one escaping rule for every HTML we write (server pages, email bodies). */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
