import { BlockList, isIP } from 'node:net';

// Which addresses a person-supplied URL may make us connect to: only public unicast. The lists
// follow IANA's IPv4 and IPv6 Special-Purpose Address Registries. For IPv6 only global unicast
// (2000::/3) is allowed at all, less its special blocks; forms that carry an IPv4 address
// (IPv4-mapped, IPv4-translated, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4
// address, since that is where the packets end up.

const ipv4Blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
] as const) {
  ipv4Blocked.addSubnet(net, prefix, 'ipv4');
}

const ipv6GlobalUnicast = new BlockList();
ipv6GlobalUnicast.addSubnet('2000::', 3, 'ipv6');

// Inside 2000::/3. Everything outside it is refused anyway: ::/128, ::1, IPv4-compatible ::/96,
// 64:ff9b:1::/48 (local-use NAT64), 100::/64 (discard), 5f00::/16 (SRv6), fc00::/7 (unique
// local), fe80::/10 (link-local), fec0::/10 (site-local), ff00::/8 (multicast).
const ipv6Blocked = new BlockList();
for (const [net, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHIDv2, …
  ['2001:db8::', 32], // documentation
  ['2620:4f:8000::', 48], // AS112 direct delegation
  ['3fff::', 20], // documentation
] as const) {
  ipv6Blocked.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (a dotted IPv4 tail and a zone id allowed), or null. */
export function ipv6Bytes(text: string): Uint8Array | null {
  const address = text.replace(/%.*$/, '');
  if (isIP(address) !== 6) return null;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const head = tail ? `${address.slice(0, tail.index)}0:0` : address;
  const [left, right] = head.split('::') as [string, string | undefined];
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const value = parseInt(g, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  if (tail) for (let i = 0; i < 4; i++) bytes[12 + i] = Number(tail[i + 1]);
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const dotted = (bytes: Uint8Array, at: number) => Array.from(bytes.subarray(at, at + 4)).join('.');

/** The IPv4 address an IPv6 address carries and delivers to, or null. */
export function embeddedIpv4(bytes: Uint8Array): string | null {
  const zeros = (n: number) => Array<number>(n).fill(0);
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return dotted(bytes, 12); // ::ffff:0:0/96 IPv4-mapped
  if (startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0])) return dotted(bytes, 12); // ::ffff:0:0:0/96 IPv4-translated
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, ...zeros(8)])) return dotted(bytes, 12); // 64:ff9b::/96 NAT64
  if (startsWith(bytes, [0x20, 0x02])) return dotted(bytes, 2); // 2002::/16 6to4
  return null;
}

/** True unless `address` is a public unicast IP address (anything unparsable is internal). */
export function isInternalAddress(address: string): boolean {
  const plain = address.replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 4) return ipv4Blocked.check(plain, 'ipv4');
  if (family !== 6) return true;
  const bytes = ipv6Bytes(plain)!;
  const ipv4 = embeddedIpv4(bytes);
  if (ipv4 !== null) return ipv4Blocked.check(ipv4, 'ipv4');
  // Checked in plain hex form, whatever the spelling (a dotted tail, leading zeros).
  const hex = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
  return !ipv6GlobalUnicast.check(hex, 'ipv6') || ipv6Blocked.check(hex, 'ipv6');
}
