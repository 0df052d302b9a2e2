import { deriveKey, hmacHex, safeEqual } from '../../lib/crypto.js';

/**
 * Answer links: the delivery's id and an HMAC-SHA256 of it under a key derived from VAERN_SECRET
 * for this purpose. Deterministic, so a retried e-mail carries the same link; nothing to store.
 * The token goes in the URL fragment (decision 007), which browsers never send to a server.
 */
const HEX_ID = /^[0-9a-f]{32}$/;

let derived: { secret: string; key: Buffer } | undefined;
/** The link key, derived once per secret: a delivery run signs a link for every delivery. */
const keyOf = (secret: string) => {
  if (derived?.secret !== secret) derived = { secret, key: deriveKey(secret, 'alert-answer-link') };
  return derived.key;
};
const macOf = (secret: string, id: string) =>
  Buffer.from(hmacHex(keyOf(secret), id), 'hex').toString('base64url');

/** `<id as 32 hex digits>.<HMAC, base64url>`: 76 characters, within a path parameter's limit. */
export function signLink(secret: string, deliveryId: string): string {
  const hex = deliveryId.replaceAll('-', '');
  return `${hex}.${macOf(secret, deliveryId)}`;
}

/** The delivery id of a well-signed token, else undefined. */
export function verifyLink(secret: string, token: string): string | undefined {
  const [hex, mac, ...rest] = token.split('.');
  if (!hex || !mac || rest.length > 0 || !HEX_ID.test(hex)) return undefined;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return safeEqual(mac, macOf(secret, id)) ? id : undefined;
}

export const answerLink = (publicUrl: string, secret: string, deliveryId: string): string =>
  `${publicUrl}/alert-answer#token=${signLink(secret, deliveryId)}`;
