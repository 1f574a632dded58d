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
  fs.writeFileSync(keyFilePath(config), [key, ...existing].map(formatVaultKey).join('\n') + '\n', { mode: 0o600 });
  return key;
}

export function newKeyId(): string {
  return `k${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(2).toString('hex')}`;
}

/**
 * A vault that re-reads its keys when it meets a key id it does not know: another process
 * (`npm run keys -- rotate`) may have added one, and this one keeps working without a restart.
 */
export function createReloadingVault(load: () => VaultKey[]): TokenVault {
  let vault = createTokenVault(load());
  return {
    get currentKeyId() {
      return vault.currentKeyId;
    },
    seal: (plaintext, aad) => vault.seal(plaintext, aad),
    open(sealed, aad) {
      try {
        return vault.open(sealed, aad);
      } catch (error) {
        if (!(error instanceof VaultError) || error.code !== 'unknown_key') throw error;
        vault = createTokenVault(load());
        return vault.open(sealed, aad);
      }
    },
    needsReseal: (sealed) => vault.needsReseal(sealed),
  };
}
