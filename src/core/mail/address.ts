// Email addresses as the invite feature needs them: one syntax check for what people type, and
// the one normal form every comparison uses (the domain is case-insensitive by standard; the
// local part in practice, at every provider people use).

const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The address as stored and compared, or null when it is not one we can send to. */
export function normalizeAddress(raw: string): string | null {
  const address = raw.trim().toLowerCase();
  return address.length <= 254 && ADDRESS.test(address) ? address : null;
}

/** `Name <a@b>` or `a@b` -> its parts (MAIL_FROM). */
export function parseMailbox(mailbox: string): { name: string | null; address: string } {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(mailbox);
  if (!m) return { name: null, address: mailbox.trim() };
  const name = m[1]!.replace(/^"|"$/g, '').trim();
  return { name: name || null, address: m[2]!.trim() };
}

/** `ana@example.com` -> `an…@example.com`: enough for the person to recognise, little for a bystander. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at);
  return `${local.slice(0, Math.min(3, Math.max(1, local.length - 1)))}…${address.slice(at)}`;
}
