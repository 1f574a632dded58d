import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertPublicUrl, isInternalAddress, UnsafeUrlError } from '../../src/infra/net/ssrf-guard.ts';

describe('SSRF guard', () => {
  it('knows internal addresses, including IPv4-mapped IPv6 and cloud metadata', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      assert.equal(isInternalAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) assert.equal(isInternalAddress(a), false, a);
  });

  it('refuses private hosts, non-https and credentials in URLs unless private networks are allowed', async () => {
    const code = (e: UnsafeUrlError) => e.code;
    await assert.rejects(assertPublicUrl('https://127.0.0.1:5232/', { allowPrivateNetwork: false }), (e: UnsafeUrlError) => code(e) === 'private_address');
    await assert.rejects(assertPublicUrl('https://localhost/', { allowPrivateNetwork: false }), (e: UnsafeUrlError) => code(e) === 'private_address');
    await assert.rejects(assertPublicUrl('https://[::1]/', { allowPrivateNetwork: false }), (e: UnsafeUrlError) => code(e) === 'private_address');
    await assert.rejects(assertPublicUrl('http://93.184.216.34/', { allowPrivateNetwork: false }), /https/);
    await assert.rejects(assertPublicUrl('file:///etc/passwd', { allowPrivateNetwork: true }), /https/);
    await assert.rejects(assertPublicUrl('https://u:p@93.184.216.34/', { allowPrivateNetwork: false }), /own fields/);
    assert.equal((await assertPublicUrl('https://93.184.216.34/dav/', { allowPrivateNetwork: false })).pathname, '/dav/');
    assert.equal((await assertPublicUrl('http://127.0.0.1:5232/', { allowPrivateNetwork: true })).port, '5232');
  });
});
