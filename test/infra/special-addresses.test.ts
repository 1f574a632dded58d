import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedIpv4, ipv6Bytes, isInternalAddress } from '../../src/infra/net/special-addresses.ts';
import { checkedLookup, UnsafeUrlError, type Resolve } from '../../src/infra/net/ssrf-guard.ts';

// Finding 6: which addresses a person-supplied CalDAV URL may reach, as tables (pure functions,
// nothing is connected to), and the lookup connections use.

const internal: [string, string][] = [
  ['0.0.0.0', 'this network'],
  ['10.1.2.3', 'private'],
  ['100.64.0.1', 'shared (CGNAT)'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'cloud metadata (link-local)'],
  ['172.20.0.1', 'private'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.1', 'TEST-NET-1'],
  ['192.88.99.1', '6to4 relay anycast'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.51.100.7', 'TEST-NET-2'],
  ['203.0.113.9', 'TEST-NET-3'],
  ['224.0.0.251', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::127.0.0.1', 'IPv4-compatible'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b::10.0.0.1', 'NAT64 of private'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata'],
  ['64:ff9b:1::808:808', 'local-use NAT64'],
  ['2002:7f00:1::1', '6to4 of loopback'],
  ['2002:a9fe:a9fe::', '6to4 of metadata'],
  ['2001::1', 'Teredo'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:2::1', 'benchmarking'],
  ['2001:20::1', 'ORCHIDv2'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'discard-only'],
  ['5f00::1', 'SRv6 SIDs'],
  ['fc00::1', 'unique local'],
  ['fd12:3456::1', 'unique local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local with a zone'],
  ['fec0::1', 'site-local (deprecated)'],
  ['ff02::1', 'multicast'],
  ['not-an-ip', 'unparsable'],
];

const external: [string, string][] = [
  ['93.184.216.34', 'public IPv4'],
  ['8.8.8.8', 'public IPv4'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2a00:1450:4001:80b::200e', 'public IPv6'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['64:ff9b::808:808', 'NAT64 of a public address'],
  ['2002:808:808::1', '6to4 of a public address'],
];

describe('special-purpose addresses', () => {
  for (const [address, why] of internal) it(`refuses ${address} (${why})`, () => assert.equal(isInternalAddress(address), true));
  for (const [address, why] of external) it(`allows ${address} (${why})`, () => assert.equal(isInternalAddress(address), false));

  it('reads IPv6 addresses in every spelling, and the IPv4 address they carry', () => {
    assert.deepEqual(ipv6Bytes('::ffff:0:127.0.0.1'), ipv6Bytes('0:0:0:0:ffff:0:7f00:0001'));
    assert.equal(embeddedIpv4(ipv6Bytes('64:ff9b::7f00:1')!), '127.0.0.1');
    assert.equal(embeddedIpv4(ipv6Bytes('2002:c0a8:0101::')!), '192.168.1.1');
    assert.equal(embeddedIpv4(ipv6Bytes('2606:4700::1')!), null);
    assert.equal(ipv6Bytes('127.0.0.1'), null);
  });
});

describe('the lookup connections use', () => {
  const call = (lookup: ReturnType<typeof checkedLookup>, options: { all?: boolean; family?: number }) =>
    new Promise<unknown>((resolve, reject) => lookup('cal.example.test', options as never, (error, address, family) => (error ? reject(error) : resolve({ address, family }))));
  const answers = (...list: string[]): Resolve => async () => list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('hands connect exactly the answers it checked', async () => {
    const lookup = checkedLookup({ allowPrivateNetwork: false, resolve: answers('93.184.216.34', '2606:4700:4700::1111') });
    assert.deepEqual(await call(lookup, { all: true }), { address: [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }], family: undefined });
    assert.deepEqual(await call(lookup, { family: 6 }), { address: '2606:4700:4700::1111', family: 6 });
  });

  it('refuses the connection when any answer is internal', async () => {
    for (const resolve of [answers('127.0.0.1'), answers('93.184.216.34', '64:ff9b::7f00:1'), answers('::ffff:0:10.0.0.1')]) {
      await assert.rejects(call(checkedLookup({ allowPrivateNetwork: false, resolve }), { all: true }), (e: UnsafeUrlError) => e.code === 'private_address');
    }
    assert.deepEqual(await call(checkedLookup({ allowPrivateNetwork: true, resolve: answers('127.0.0.1') }), {}), { address: '127.0.0.1', family: 4 });
  });
});
