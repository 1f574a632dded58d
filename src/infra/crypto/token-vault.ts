import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Secrets at rest (OAuth tokens, CalDAV passwords) are sealed with AES-256-GCM. Every
// ciphertext names its key, so keys can rotate without downtime (the first key seals, all keys
// open), and carries associated data (the owning row's id), so a ciphertext copied to another
// row does not open.

export interface VaultKey {
  id: string;
  key: Buffer;
}

export class VaultError extends Error {
  readonly code: 'unknown_key' | 'tampered' | 'malformed' | 'no_keys';
  constructor(code: VaultError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

const FORMAT = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `id:base64key,id2:base64key` (first one seals). Keys are 32 bytes. */
export function parseVaultKeys(text: string): VaultKey[] {
  const keys = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry) => {
      const sep = entry.indexOf(':');
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), 'base64');
      if (sep < 1 || !KEY_ID.test(id)) throw new VaultError('malformed', 'each key is "<id>:<base64 of 32 bytes>"');
      if (key.length !== 32) throw new VaultError('malformed', `key "${id}" is not 32 bytes`);
      return { id, key };
    });
  if (keys.length === 0) throw new VaultError('no_keys', 'at least one key is needed');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new VaultError('malformed', 'key ids must be unique');
  return keys;
}

export function formatVaultKey(k: VaultKey): string {
  return `${k.id}:${k.key.toString('base64')}`;
}

export function newVaultKey(id: string): VaultKey {
  return { id, key: randomBytes(32) };
}

export type TokenVault = ReturnType<typeof createTokenVault>;

export function createTokenVault(keys: readonly VaultKey[]) {
  if (keys.length === 0) throw new VaultError('no_keys', 'at least one key is needed');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0]!;

  return {
    currentKeyId: current.id,

    /** `v1.<key id>.<nonce>.<ciphertext+tag>`, base64url parts; `aad` binds it to its row. */
    seal(plaintext: string, aad: string): string {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, nonce);
      cipher.setAAD(Buffer.from(`${FORMAT}.${current.id}.${aad}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [FORMAT, current.id, nonce.toString('base64url'), body.toString('base64url')].join('.');
    },

    open(sealed: string, aad: string): string {
      const [format, keyId, nonceText, bodyText, ...rest] = sealed.split('.');
      if (format !== FORMAT || !keyId || !nonceText || !bodyText || rest.length > 0) {
        throw new VaultError('malformed', 'not a sealed secret');
      }
      const key = byId.get(keyId);
      if (!key) throw new VaultError('unknown_key', `sealed with key "${keyId}", which is not configured`);
      const nonce = Buffer.from(nonceText, 'base64url');
      const body = Buffer.from(bodyText, 'base64url');
      if (nonce.length !== 12 || body.length < 16) throw new VaultError('malformed', 'not a sealed secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAAD(Buffer.from(`${FORMAT}.${keyId}.${aad}`));
        decipher.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
      } catch {
        throw new VaultError('tampered', 'the secret does not open with its key and owner (tampered or moved)');
      }
    },

    /** True when `sealed` uses an older key and should be sealed again under the current one. */
    needsReseal(sealed: string): boolean {
      return sealed.split('.')[1] !== current.id;
    },
  };
}
