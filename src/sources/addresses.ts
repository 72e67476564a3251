// Which upstream addresses we may connect to: public unicast only, unless private upstreams are allowed.
import { BlockList, isIP } from 'node:net';

/** Special-purpose ranges (RFC 6890 and friends): loopback, private, link-local, CGNAT, documentation, multicast… */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2001::', 23],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2002::', 16],
  ['3fff::', 20],
  ['5f00::', 16],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** The 8 groups of an IPv6 address (a dotted IPv4 tail included), or undefined when the text is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

const dottedOf = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
const zeros = (groups: number[], from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);

/**
 * How an IPv6 address relates to IPv4: it carries one (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96, NAT64
 * 64:ff9b::/96), it sits in a range that is never a public upstream whatever it embeds (IPv4-compatible ::/96,
 * local-use NAT64 64:ff9b:1::/48), or neither. 6to4 and Teredo are refused whole by the block list.
 */
function ipv4Relation(groups: number[]): { embedded: string } | 'never_public' | null {
  const [g0, g1, g2, , g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (zeros(groups, 0, 5) && g5 === 0xffff) return { embedded: dottedOf(g6, g7) };
  if (zeros(groups, 0, 4) && g4 === 0xffff && g5 === 0) return { embedded: dottedOf(g6, g7) };
  if (g0 === 0x64 && g1 === 0xff9b && zeros(groups, 2, 6)) return { embedded: dottedOf(g6, g7) };
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'never_public';
  if (zeros(groups, 0, 6)) return 'never_public';
  return null;
}

/** The IPv4 address an IPv6 address carries, if any. */
function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  const relation = groups ? ipv4Relation(groups) : null;
  return relation !== null && typeof relation === 'object' ? relation.embedded : null;
}

export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return !NOT_PUBLIC.check(bare, 'ipv4');
  if (family !== 6) return false;
  const groups = ipv6Groups(bare);
  if (!groups) return false;
  const relation = ipv4Relation(groups);
  if (relation === 'never_public') return false;
  if (relation !== null) return !NOT_PUBLIC.check(relation.embedded, 'ipv4');
  return !NOT_PUBLIC.check(bare, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return LOOPBACK.check(bare, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(bare);
  return v4 ? LOOPBACK.check(v4, 'ipv4') : LOOPBACK.check(bare, 'ipv6');
}

/** What the HTTP door may reach: the scheme rule and the address rule, checked on every hop and every connect. */
export type UpstreamPolicy = { allowHttp: boolean; isAllowedAddress(address: string): boolean };

/**
 * The configured policy: https to public addresses only; with private upstreams allowed, also http and this
 * machine's loopback (tests, local demos). Other private ranges (LAN, cloud metadata) stay forbidden either way.
 */
export const upstreamPolicy = (allowPrivateUpstreams: boolean): UpstreamPolicy =>
  allowPrivateUpstreams
    ? { allowHttp: true, isAllowedAddress: (address) => isPublicAddress(address) || isLoopbackAddress(address) }
    : { allowHttp: false, isAllowedAddress: isPublicAddress };
