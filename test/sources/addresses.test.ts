// Which upstream addresses are public: every IPv6 form that carries or stands for a private IPv4 address is refused.
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isPublicAddress, upstreamPolicy } from '../../src/sources/addresses.ts';

const REFUSED: [string, string][] = [
  ['::a9fe:a9fe', 'IPv4-compatible metadata address (169.254.169.254)'],
  ['::169.254.169.254', 'IPv4-compatible, dotted'],
  ['::7f00:1', 'IPv4-compatible loopback'],
  ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
  ['::a00:1', 'IPv4-compatible 10.0.0.1'],
  ['::808:808', 'IPv4-compatible, even of a public address (deprecated form, never an upstream)'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata address'],
  ['::ffff:169.254.169.254', 'IPv4-mapped, dotted'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback'],
  ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped, written out'],
  ['::ffff:0:a9fe:a9fe', 'IPv4-translated metadata address'],
  ['::ffff:0:169.254.169.254', 'IPv4-translated, dotted'],
  ['::ffff:0:c0a8:101', 'IPv4-translated 192.168.1.1'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
  ['64:ff9b::10.0.0.1', 'NAT64 of a private address, dotted'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b:1::808:808', 'local-use NAT64 (64:ff9b:1::/48), whatever it embeds'],
  ['64:ff9b:1:ffff::a9fe:a9fe', 'local-use NAT64, other layout'],
  ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
  ['2002:808:808::1', '6to4 of a public address (relayed, never a direct upstream)'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:0:5ef5:79fb:0:59d:56ab:5601', 'Teredo embedding 169.254.169.254 (obfuscated client address)'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['[::1]', 'loopback in brackets'],
  ['fe80::1%eth0', 'link-local with a zone'],
  ['fd00::1', 'unique local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['100::1', 'discard-only'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation (RFC 9637)'],
  ['5f00::1', 'segment routing SIDs'],
  ['169.254.169.254', 'IPv4 metadata address'],
  ['127.0.0.1', 'IPv4 loopback'],
  ['10.1.2.3', 'IPv4 private'],
  ['100.64.0.1', 'shared address space'],
  ['0.0.0.0', 'this network'],
  ['255.255.255.255', 'broadcast'],
  ['not-an-ip', 'not an address'],
  ['1:2:3:4:5:6:7:8:9', 'too many groups'],
];

const PUBLIC: [string, string][] = [
  ['8.8.8.8', 'public IPv4'],
  ['2606:4700::1111', 'public IPv6'],
  ['2001:4860:4860::8888', 'public IPv6'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public address'],
  ['::ffff:0:808:808', 'IPv4-translated public address'],
  ['64:ff9b::808:808', 'NAT64 of a public address (a DNS64 network answers so)'],
  ['64:ff9b::8.8.8.8', 'NAT64 of a public address, dotted'],
];

describe('isPublicAddress', () => {
  it.each(REFUSED)('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(PUBLIC)('accepts %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('with private upstreams allowed', () => {
  const relaxed = upstreamPolicy(true);
  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1'])('allows loopback %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
    expect(relaxed.isAllowedAddress(address)).toBe(true);
  });
  it.each(['::a9fe:a9fe', '::ffff:0:a9fe:a9fe', '64:ff9b::a9fe:a9fe', '64:ff9b:1::a00:1', '::ffff:a00:1'])(
    'still refuses %s',
    (address) => {
      expect(relaxed.isAllowedAddress(address)).toBe(false);
    },
  );
});
