import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { createTokenVault, formatVaultKey, newVaultKey, parseVaultKeys, VaultError, type TokenVault, type VaultKey } from './token-vault.ts';

// Where the vault's keys come from: TOKEN_ENCRYPTION_KEYS, or on the embedded default a key
// file in the data folder (owner-only), created on first start.

export const KEY_FILE = 'token-keys';

export function keyFilePath(config: Config): string {
  return path.join(config.dataDir, KEY_FILE);
}

export function loadVaultKeys(config: Config): VaultKey[] {
  if (config.tokenEncryptionKeys) return parseVaultKeys(config.tokenEncryptionKeys);
  const file = keyFilePath(config);
  try {
    return parseVaultKeys(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, formatVaultKey(newVaultKey(newKeyId())) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process won
  }
  return parseVaultKeys(fs.readFileSync(file, 'utf8'));
}

/** Puts a new key first in the key file (the old ones stay, to open what they sealed). */
export function prependKeyToFile(config: Config): VaultKey {
  const key = newVaultKey(newKeyId());
  const existing = loadVaultKeys(config);
  // Written aside and renamed over: a running server that reads the file meanwhile sees the old
  // keys or the new ones, never a half-written file.
  const file = keyFilePath(config);
  const next = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(next, [key, ...existing].map(formatVaultKey).join('\n') + '\n', { mode: 0o600 });
  fs.renameSync(next, file);
  return key;
}

export function newKeyId(): string {
  return `k${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(2).toString('hex')}`;
}

/**
 * A vault that re-reads its keys before sealing and when it meets a key id it does not know:
 * `npm run keys -- rotate` in another process may have put a new key first, and what this one
 * seals from then on must be under it (the operator drops the old key once `rotate` is done).
 */
export function createReloadingVault(load: () => VaultKey[]): TokenVault {
  const idsOf = (keys: VaultKey[]) => keys.map((k) => k.id).join(',');
  const first = load();
  let vault = createTokenVault(first);
  let loadedIds = idsOf(first);
  const reload = () => {
    const keys = load();
    if (idsOf(keys) === loadedIds) return;
    vault = createTokenVault(keys);
    loadedIds = idsOf(keys);
  };
  return {
    get currentKeyId() {
      return vault.currentKeyId;
    },
    // Sealing is rare (a new connection, a refreshed token): reading a small file first is cheap.
    seal(plaintext, aad) {
      reload();
      return vault.seal(plaintext, aad);
    },
    open(sealed, aad) {
      try {
        return vault.open(sealed, aad);
      } catch (error) {
        if (!(error instanceof VaultError) || error.code !== 'unknown_key') throw error;
        reload();
        return vault.open(sealed, aad);
      }
    },
    needsReseal: (sealed) => vault.needsReseal(sealed),
  };
}

/**
 * Re-seals passes until one finds nothing under an older key, then waits a moment and checks
 * once more: a server that read the key file just before the rotation may still be writing a
 * secret sealed under the old key. Returns how many were re-sealed in all.
 */
export async function resealUntilNoneLeft(connections: { resealAll(): Promise<number> }, settleMs = 1_000, maxPasses = 20): Promise<number> {
  let total = 0;
  for (let pass = 0, settled = false; pass < maxPasses; pass++) {
    const found = await connections.resealAll();
    total += found;
    if (found > 0) continue;
    if (settled) return total;
    settled = true;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }
  throw new Error(`secrets kept appearing under an older key after ${maxPasses} passes; run this again`);
}
