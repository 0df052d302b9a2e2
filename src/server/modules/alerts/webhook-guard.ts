import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { badRequest } from '../../lib/errors.js';

/**
 * The SSRF guard of webhook endpoints: a URL's host must resolve only to public addresses, unless
 * the platform setting `webhook_allowlist` names the host or a range holding the address. Checked
 * when an endpoint is registered and again when a delivery connects (the lookup below), so a name
 * that later resolves elsewhere (DNS rebinding) is refused too.
 */

/** Private, loopback, link-local, CGNAT, unique-local, multicast, unspecified and reserved ranges. */
const REFUSED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  REFUSED.addSubnet(net, prefix, 'ipv6');

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped) return { address: mapped, family: 'ipv4' };
  const v = isIP(bare);
  if (v === 4) return { address: bare, family: 'ipv4' };
  if (v === 6) return { address: bare, family: 'ipv6' };
  return undefined;
}

/** Whether an address lies in a refused range (an unparsable one counts as refused). */
export function isRefusedAddress(address: string): boolean {
  const n = normalise(address);
  return !n || REFUSED.check(n.address, n.family);
}

export interface Allowlist {
  hosts: Set<string>;
  ranges: BlockList;
}

/** The setting's value: host names and IP addresses or CIDR ranges, separated by commas or spaces. */
export function parseAllowlist(value: string): Allowlist {
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const [base = '', bits] = entry.split('/');
    const n = normalise(base);
    if (n && bits === undefined) ranges.addAddress(n.address, n.family);
    else if (n && /^\d{1,3}$/.test(bits ?? '')) {
      const prefix = Number(bits);
      if (prefix <= (n.family === 'ipv4' ? 32 : 128)) ranges.addSubnet(n.address, prefix, n.family);
    } else if (bits === undefined) hosts.add(entry.toLowerCase().replace(/\.$/, ''));
  }
  return { hosts, ranges };
}

const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');

function allowedAddress(allow: Allowlist, address: string): boolean {
  const n = normalise(address);
  return !!n && allow.ranges.check(n.address, n.family);
}

/** Why addresses of a host are refused, or undefined when every one may be reached. */
function refusal(allow: Allowlist, host: string, addresses: string[]): string | undefined {
  if (allow.hosts.has(host)) return undefined;
  if (addresses.length === 0) return 'alerts.webhook_unresolvable';
  const bad = addresses.find((a) => isRefusedAddress(a) && !allowedAddress(allow, a));
  return bad === undefined ? undefined : bad;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      resolve(error ? [] : addresses.map((a) => a.address)),
    ),
  );

/**
 * Refuses (400, translated) a URL that is not https — http only for an allow-listed host or
 * address —, carries credentials, or whose host resolves to a refused address not allow-listed.
 */
export async function assertDeliverable(
  raw: string,
  allow: Allowlist,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('alerts.webhook_url_invalid');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw badRequest('alerts.webhook_url_invalid');
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolve(host);
  const refused = refusal(allow, host, addresses);
  if (refused === 'alerts.webhook_unresolvable') throw badRequest(refused, { host });
  if (refused !== undefined) throw badRequest('alerts.webhook_address_refused', { host, address: refused });
  const listed =
    allow.hosts.has(host) || (addresses.length > 0 && addresses.every((a) => allowedAddress(allow, a)));
  if (url.protocol === 'http:' && !listed) throw badRequest('alerts.webhook_https_required');
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses, at connect time, what `assertDeliverable` refuses:
 * the name is resolved once more and every address is checked before the socket connects.
 */
export function guardedLookup(allow: Allowlist) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const host = hostname.toLowerCase().replace(/\.$/, '');
      const refused = refusal(
        allow,
        host,
        addresses.map((a) => a.address),
      );
      if (refused !== undefined) {
        const e: NodeJS.ErrnoException = new Error(`webhook host ${host} resolves to a refused address`);
        e.code = 'EWEBHOOKREFUSED';
        return callback(e, []);
      }
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      if (!first) return callback(new Error(`webhook host ${host} did not resolve`), []);
      return callback(null, first.address, first.family);
    });
  };
}
