// Client keys: a salted hash of the client's network (an IPv4 address, or an IPv6 /64, and its /48), the salt
// replaced every UTC day — random and held only in memory, or derived from the shared SECRET so every node computes
// the same keys — so reports can be deduplicated, rate-limited and counted without storing who sent them.
import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Groups } from '../../sources/addresses.ts';
import { DAY_MS } from '../../time.ts';

/**
 * The network a client is counted as: an IPv4 address as is, an IPv6 address as its /64 (one household or
 * server usually holds a whole /64), an IPv4-mapped IPv6 address as the IPv4 address.
 */
export function networkOf(ip: string): string {
  if (isIPv4(ip)) return ip;
  const groups = isIPv6(ip) ? ipv6Groups(ip) : undefined;
  if (!groups) return 'unknown';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The wider allocation a client belongs to, so one holder of many networks counts once towards a spike: an IPv6
 * address's /48 (what one site or customer is usually given), an IPv4 address as is.
 */
export function allocationOf(ip: string): string {
  const network = networkOf(ip);
  if (!network.endsWith('::/64')) return network;
  return `${network.split(':').slice(0, 3).join(':')}::/48`;
}

export type ClientKeys = {
  /** The client's key for today's salt. */
  keyOf(ip: string, now: number): string;
  /** Today's key, then yesterday's while that salt is still held (deduplication across midnight). */
  keysOf(ip: string, now: number): [string, ...string[]];
  /** The key of the client's allocation (IPv6 /48) under today's salt: a spike's distinct reporters count by it. */
  allocationKeyOf(ip: string, now: number): string;
};

/**
 * Keeps today's and yesterday's salts (never written anywhere); older ones are forgotten. Without a secret each salt
 * is random; with one, a day's salt is derived from it, so nodes sharing the secret agree and it still changes daily.
 */
export function createClientKeys(secret: string | null = null): ClientKeys {
  const salts = new Map<number, Buffer>();
  function saltOf(day: number): Buffer {
    let salt = salts.get(day);
    if (!salt) {
      salt = secret === null ? randomBytes(32) : createHmac('sha256', secret).update(`client-salt ${day}`).digest();
      salts.set(day, salt);
      for (const held of salts.keys()) if (held < day - 1) salts.delete(held);
    }
    return salt;
  }
  const digest = (salt: Buffer, network: string) =>
    createHmac('sha256', salt).update(network).digest('base64url').slice(0, 22);
  const hash = (salt: Buffer, ip: string) => digest(salt, networkOf(ip));
  return {
    keyOf: (ip, now) => hash(saltOf(Math.floor(now / DAY_MS)), ip),
    keysOf(ip, now) {
      const day = Math.floor(now / DAY_MS);
      const today = hash(saltOf(day), ip);
      const yesterday = salts.get(day - 1);
      return yesterday ? [today, hash(yesterday, ip)] : [today];
    },
    allocationKeyOf: (ip, now) => digest(saltOf(Math.floor(now / DAY_MS)), `allocation:${allocationOf(ip)}`),
  };
}
