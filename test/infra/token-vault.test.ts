import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenVault, formatVaultKey, newVaultKey, parseVaultKeys, VaultError } from '../../src/infra/crypto/token-vault.ts';

const oldKey = newVaultKey('k1');
const newKey = newVaultKey('k2');

describe('token vault', () => {
  it('seals and opens; the ciphertext names its key and never contains the secret', () => {
    const vault = createTokenVault([oldKey]);
    const sealed = vault.seal('ya29.refresh-token-value', 'connection:abc');
    assert.match(sealed, /^v1\.k1\.[\w-]{16}\.[\w-]+$/);
    assert.ok(!sealed.includes('ya29'));
    assert.equal(vault.open(sealed, 'connection:abc'), 'ya29.refresh-token-value');
    assert.notEqual(vault.seal('same', 'x'), vault.seal('same', 'x'), 'a fresh nonce every time');
  });

  it('refuses a ciphertext moved to another row, or altered', () => {
    const vault = createTokenVault([oldKey]);
    const sealed = vault.seal('secret', 'connection:abc');
    assert.throws(() => vault.open(sealed, 'connection:other'), (e: VaultError) => e.code === 'tampered');
    const parts = sealed.split('.');
    const flipped = parts[3]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.throws(() => vault.open([...parts.slice(0, 3), flipped].join('.'), 'connection:abc'), (e: VaultError) => e.code === 'tampered');
    assert.throws(() => vault.open(sealed.replace('.k1.', '.k9.'), 'connection:abc'), (e: VaultError) => e.code === 'unknown_key');
    assert.throws(() => vault.open('plain text', 'connection:abc'), (e: VaultError) => e.code === 'malformed');
  });

  it('rotates: the first key seals, every key opens, old ciphertexts are flagged for resealing', () => {
    const before = createTokenVault([oldKey]);
    const sealedOld = before.seal('secret', 'row');
    const after = createTokenVault(parseVaultKeys(`${formatVaultKey(newKey)},${formatVaultKey(oldKey)}`));
    assert.equal(after.open(sealedOld, 'row'), 'secret');
    assert.equal(after.needsReseal(sealedOld), true);
    const resealed = after.seal(after.open(sealedOld, 'row'), 'row');
    assert.equal(after.needsReseal(resealed), false);
    assert.throws(() => before.open(resealed, 'row'), (e: VaultError) => e.code === 'unknown_key');
  });

  it('rejects malformed key settings', () => {
    assert.throws(() => parseVaultKeys(''), (e: VaultError) => e.code === 'no_keys');
    assert.throws(() => parseVaultKeys('k1:c2hvcnQ='), /32 bytes/);
    assert.throws(() => parseVaultKeys(`${formatVaultKey(oldKey)},${formatVaultKey(oldKey)}`), /unique/);
  });
});
