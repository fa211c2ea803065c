// The SSRF guard, inside the dispatcher: the address checked is the address connected to. Host
// names are resolved by our own lookup, which refuses the whole answer if any address in it is
// forbidden (a DNS answer mixing a public and a private address is a rebinding attempt); IP literals
// (which Node connects to without a lookup) are checked before connecting; and the socket's remote
// address is checked once more after connecting, so no path around the lookup stays open.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { blockedReason, isAlwaysBlocked, type BlockReason } from './address.js';
import { BlockedAddressError, HostNotFoundError, HttpError } from './errors.js';

export interface GuardOptions {
  /**
   * Kinds of address that may be reached anyway: every kind but metadata with
   * allow_private_networks, or a narrower list (tests). Cloud metadata is never allowed.
   */
  allow: ReadonlySet<BlockReason>;
  /**
   * The resolver asked for host names (default: the system's, dns.lookup). Its answers go through
   * the same checks: tests point it at names that resolve to forbidden addresses.
   */
  lookup?: ResolveHost;
}

/** dns.lookup's shape, as the guard calls it (always with all: true). */
export type ResolveHost = (hostname: string, options: { all: true; verbatim?: boolean; family?: number }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export const PRIVATE_NETWORKS: ReadonlySet<BlockReason> = new Set<BlockReason>([
  'loopback address',
  'private address',
  'link-local address',
  'carrier-grade NAT address',
  'unique-local IPv6 address',
  'reserved address',
]);

/** Throws when `address` (an IP literal) may not be reached. */
export function checkAddress(host: string, address: string, options: GuardOptions): void {
  const reason = blockedReason(address);
  if (reason === undefined) return;
  if (options.allow.has(reason) && !isAlwaysBlocked(reason)) return;
  throw new BlockedAddressError(host, address, reason, !isAlwaysBlocked(reason));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A dns.lookup that refuses forbidden answers. */
export function guardedLookup(options: GuardOptions): LookupFunction {
  return ((hostname: string, lookupOptions: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    const resolve: ResolveHost = options.lookup ?? (dnsLookup as unknown as ResolveHost);
    resolve(hostname, { ...lookupOptions, all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      try {
        if (addresses.length === 0) throw new HostNotFoundError(hostname);
        for (const a of addresses) checkAddress(hostname, a.address, options);
      } catch (refused) {
        return callback(refused);
      }
      if (lookupOptions.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}

export function guardedAgent(options: GuardOptions & { connectTimeoutMs: number }): Agent {
  // Every connection's address comes from guardedLookup (or is a checked literal) and the socket's
  // peer is checked again once connected: the address checked is the address connected to, so a DNS
  // answer that changes between a check and the connection (rebinding) has no window.
  const base = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup(options) } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const host = stripBrackets(connectOptions.hostname);
    if (isIP(host) !== 0) {
      try {
        checkAddress(host, host, options);
      } catch (refused) {
        callback(refused as Error, null);
        return;
      }
    }
    base(connectOptions, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new HttpError('connect failed', { status: 0, host }), null);
        return;
      }
      const remote = (socket as Socket).remoteAddress;
      try {
        if (remote) checkAddress(host, remote, options);
      } catch (refused) {
        socket.destroy();
        callback(refused as Error, null);
        return;
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, keepAliveTimeout: 4_000, connections: 16 });
}
