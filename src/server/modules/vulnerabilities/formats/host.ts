import { isIP } from 'node:net';
import type { ScanHost } from './types.js';

/** A host as the finding identity uses it: an address in canonical form, or a lower-case name. */
export interface NormalHost {
  kind: 'ip' | 'name';
  value: string;
}

/**
 * An IP address in canonical form, or null when `text` is not one: IPv4 as dotted quad, IPv6
 * compressed and lower-case (RFC 5952, as the WHATWG URL parser writes it), without a zone
 * (`fe80::1%eth0` → `fe80::1`) or brackets.
 */
export function canonicalIp(text: string): string | null {
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  const zone = value.indexOf('%');
  if (zone !== -1 && value.includes(':')) value = value.slice(0, zone);
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return null;
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** A host name lower-cased, trimmed, without a trailing dot; null when nothing is left. */
export function canonicalName(text: string): string | null {
  const value = text.trim().toLowerCase().replace(/\.+$/, '');
  return value === '' ? null : value;
}

/**
 * Normalises a host as a scanner gave it, shared by all formats: an IPv4 or IPv6 address becomes
 * its canonical form (see canonicalIp), anything else a lower-case name without a trailing dot.
 * Null when the text is empty.
 */
export function normaliseHost(text: string | null | undefined): NormalHost | null {
  if (text === null || text === undefined) return null;
  const ip = canonicalIp(text);
  if (ip !== null) return { kind: 'ip', value: ip };
  const name = canonicalName(text);
  return name === null ? null : { kind: 'name', value: name };
}

/** The first label of a name that is not an address (`web01.example.org` → `web01`). */
export function firstLabel(name: string | null): string | null {
  if (name === null || canonicalIp(name) !== null) return null;
  return name.split('.')[0] || null;
}

/** Whether a name (not an address) looks fully qualified: a dot, and a last label that is not all digits. */
export function looksQualified(name: string | null): boolean {
  if (name === null || canonicalIp(name) !== null || !name.includes('.')) return false;
  return /[a-z]/.test(name.slice(name.lastIndexOf('.') + 1));
}

/** A ScanHost with every field null (SARIF). */
export const NO_HOST: ScanHost = Object.freeze({ name: null, ip: null, fqdn: null, hostname: null });
