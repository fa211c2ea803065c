// Which IP addresses a user-given URL may reach. The SSRF guard asks this about the address a
// socket is about to connect to (after DNS resolution), never about the host name.
import { BlockList, isIP } from 'node:net';

export type BlockReason =
  | 'cloud metadata address'
  | 'loopback address'
  | 'private address'
  | 'link-local address'
  | 'carrier-grade NAT address'
  | 'unique-local IPv6 address'
  | 'reserved address';

/**
 * Addresses that hand out cloud credentials or instance secrets. No feed lives there, so they are
 * refused even with allow_private_networks (and 168.63.129.16, a public address, by default too).
 */
const METADATA_ADDRESSES = [
  '169.254.169.254', // instance metadata: AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
  '169.254.170.2', // AWS ECS task metadata and task-role credentials
  '169.254.170.23', // AWS EKS Pod Identity agent (credentials)
  'fd00:ec2::254', // AWS instance metadata over IPv6
  'fd00:ec2::23', // AWS EKS Pod Identity agent over IPv6
  '168.63.129.16', // Azure WireServer (host agent, VM extension settings)
  '100.100.100.200', // Alibaba Cloud instance metadata
];

/** Canonical form of an IP literal: IPv6 expanded to eight hex words, so that any spelling matches. */
function canonical(address: string): string {
  return isIP(address) === 6 ? (expandIPv6(address)?.map((w) => w.toString(16)).join(':') ?? address.toLowerCase()) : address;
}

const METADATA = new Set(METADATA_ADDRESSES.map(canonical));

function list(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const blocks = new BlockList();
  for (const [net, prefix, type] of entries) blocks.addSubnet(net, prefix, type);
  return blocks;
}

const RANGES: [BlockReason, BlockList][] = [
  ['loopback address', list([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
  ['private address', list([['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4']])],
  ['link-local address', list([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
  ['carrier-grade NAT address', list([['100.64.0.0', 10, 'ipv4']])],
  ['unique-local IPv6 address', list([['fc00::', 7, 'ipv6'], ['fec0::', 10, 'ipv6']])],
  [
    'reserved address',
    list([
      ['0.0.0.0', 8, 'ipv4'],
      ['192.88.99.0', 24, 'ipv4'], // 6to4 relay anycast
      ['64:ff9b:1::', 48, 'ipv6'], // local-use NAT64 (RFC 8215): translates to any IPv4, private ones included
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['224.0.0.0', 4, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      ['::', 128, 'ipv6'],
      ['100::', 64, 'ipv6'],
      ['2001:db8::', 32, 'ipv6'],
      ['ff00::', 8, 'ipv6'],
    ]),
  ],
];

/**
 * The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001:0::/32, the client address inverted).
 * Without this, ::ffff:127.0.0.1 would pass as "some IPv6 address".
 */
export function embeddedIPv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const words = expandIPv6(address);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  // IPv4-translated (SIIT, ::ffff:0:a.b.c.d, RFC 2765).
  if (zeros(0, 4) && words[4] === 0xffff && words[5] === 0) return v4(words[6]!, words[7]!);
  if (zeros(0, 6) && (words[6] !== 0 || words[7]! > 1)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  // Teredo (2001:0::/32): the client's IPv4 address is the last 32 bits, inverted (RFC 4380).
  if (words[0] === 0x2001 && words[1] === 0) return v4(~words[6]! & 0xffff, ~words[7]! & 0xffff);
  return undefined;
}

function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, '');
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two words.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...new Array<number>(Math.max(0, fill)).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

/** Why `address` (an IP literal) may not be reached from a user-given URL, or undefined if it may. */
export function blockedReason(address: string): BlockReason | undefined {
  const family = isIP(address);
  if (family === 0) return 'reserved address';
  const normalized = family === 6 ? address.toLowerCase().replace(/%.*$/, '') : address;
  if (METADATA.has(canonical(normalized))) return 'cloud metadata address';
  // ::ffff:169.254.170.2 and the other IPv6 forms of an IPv4 address are judged as that address.
  const inner = embeddedIPv4(normalized);
  if (inner !== undefined) return blockedReason(inner);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [reason, blocks] of RANGES) if (blocks.check(normalized, type)) return reason;
  return undefined;
}

/** Metadata endpoints stay refused even when private networks are allowed: no source lives there. */
export function isAlwaysBlocked(reason: BlockReason): boolean {
  return reason === 'cloud metadata address';
}
