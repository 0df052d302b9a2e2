import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { deriveKey, hmacHex } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import './messages.js';

/**
 * The encrypted envelope of a backup (docs/backup.md, "Envelope"):
 *
 *   prefix: magic "VAERNBAK" | u16 envelope version | 16-byte salt | 16-byte key check
 *   frames: u32 ciphertext length | u8 flags (1 = final, 2 = failed) | ciphertext | 16-byte GCM tag
 *
 * The key is HKDF-SHA256 of VAERN_SECRET with the file's random salt, so every file has its own
 * key. Frame i is sealed with AES-256-GCM under the nonce (i, final flag), and its additional data
 * is the prefix, i and the flags: a frame moved, dropped, repeated, taken from another file or
 * cut off at the end fails, and a file must end with exactly one final frame.
 */
export const MAGIC = Buffer.from('VAERNBAK', 'ascii');
export const ENVELOPE_VERSION = 1;
const SALT_BYTES = 16;
const CHECK_BYTES = 16;
export const PREFIX_BYTES = MAGIC.length + 2 + SALT_BYTES + CHECK_BYTES;
const FRAME_HEAD_BYTES = 5;
const TAG_BYTES = 16;
/** Plaintext bytes per frame when writing. */
export const FRAME_BYTES = 1024 * 1024;
/** A frame longer than this cannot be ours: the length field is damaged. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const FINAL = 1;
/** With FINAL: the backup failed while it was made; the frame holds the reason. */
const FAILED = 2;

const encryptionKey = (secret: string, salt: Uint8Array) => deriveKey(secret, 'backup-encryption', salt);

/** Tells a wrong secret from a damaged file before any frame is opened; reveals nothing of the key. */
function keyCheck(secret: string, salt: Uint8Array): Buffer {
  const key = deriveKey(secret, 'backup-key-check', salt);
  return Buffer.from(hmacHex(key, 'vaern backup key check'), 'hex').subarray(0, CHECK_BYTES);
}

function nonceOf(index: bigint, flags: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(index, 0);
  nonce.writeUInt8(flags, 11);
  return nonce;
}

function aadOf(prefix: Buffer, index: bigint, flags: number): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(index, 0);
  tail.writeUInt8(flags, 8);
  return Buffer.concat([prefix, tail]);
}

/** Bytes received in pieces, taken out in exact lengths without re-copying what is left. */
class ByteQueue {
  #chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.length += chunk.length;
  }

  peek(n: number): Buffer {
    return this.#collect(n, false);
  }

  take(n: number): Buffer {
    return this.#collect(n, true);
  }

  #collect(n: number, consume: boolean): Buffer {
    if (n > this.length) throw new Error('not enough bytes queued');
    const parts: Buffer[] = [];
    let need = n;
    let i = 0;
    while (need > 0) {
      const chunk = this.#chunks[i] as Buffer;
      if (chunk.length <= need) {
        parts.push(chunk);
        need -= chunk.length;
        i++;
      } else {
        parts.push(chunk.subarray(0, need));
        if (consume) this.#chunks[i] = chunk.subarray(need);
        need = 0;
      }
    }
    if (consume) {
      this.#chunks.splice(0, i);
      this.length -= n;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }
}

/** Plaintext in (the gzip stream), the encrypted file out. */
export class FrameEncryptor extends Transform {
  readonly #key: Buffer;
  readonly #prefix: Buffer;
  readonly #pending = new ByteQueue();
  #index = 0n;
  #started = false;
  #failure: string | undefined;

  constructor(secret: string) {
    super();
    const salt = randomBytes(SALT_BYTES);
    this.#key = encryptionKey(secret, salt);
    const version = Buffer.alloc(2);
    version.writeUInt16BE(ENVELOPE_VERSION, 0);
    this.#prefix = Buffer.concat([MAGIC, version, salt, keyCheck(secret, salt)]);
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.push(this.#prefix);
  }

  #seal(plain: Buffer, flags: number): void {
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonceOf(this.#index, flags));
    cipher.setAAD(aadOf(this.#prefix, this.#index, flags));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const head = Buffer.alloc(FRAME_HEAD_BYTES);
    head.writeUInt32BE(body.length, 0);
    head.writeUInt8(flags, 4);
    this.push(Buffer.concat([head, body, cipher.getAuthTag()]));
    this.#index++;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#start();
    this.#pending.push(chunk);
    while (this.#pending.length >= FRAME_BYTES) this.#seal(this.#pending.take(FRAME_BYTES), 0);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#start();
    if (this.#failure === undefined) this.#seal(this.#pending.take(this.#pending.length), FINAL);
    else this.#seal(Buffer.from(this.#failure, 'utf8'), FINAL | FAILED);
    callback();
  }

  /**
   * Ends the file with a frame that says the backup failed and why, instead of the final frame, so
   * that whoever reads it (the CLI, in-process or over the socket) learns the cause. Whatever the
   * compressor had not handed over yet is left out: the file is unusable either way.
   */
  fail(reason: string): void {
    if (this.destroyed || this.writableEnded) return;
    this.#failure = reason.slice(0, 2000);
    this.end();
  }
}

/** The encrypted file in, the plaintext (gzip stream) out; refuses a wrong secret, damage and truncation. */
export class FrameDecryptor extends Transform {
  readonly #secret: string;
  readonly #queue = new ByteQueue();
  #prefix: Buffer | undefined;
  #key: Buffer | undefined;
  #index = 0n;
  #ended = false;
  /** Bytes of the file read so far. */
  bytes = 0;

  constructor(secret: string) {
    super();
    this.#secret = secret;
  }

  #readPrefix(): boolean {
    if (this.#queue.length >= MAGIC.length && !this.#queue.peek(MAGIC.length).equals(MAGIC)) {
      throw new AppError(400, 'backup.not_a_backup');
    }
    if (this.#queue.length < PREFIX_BYTES) return false;
    const prefix = this.#queue.take(PREFIX_BYTES);
    const version = prefix.readUInt16BE(MAGIC.length);
    if (version !== ENVELOPE_VERSION) {
      throw new AppError(400, 'backup.unsupported_version', { version, supported: ENVELOPE_VERSION });
    }
    const salt = prefix.subarray(MAGIC.length + 2, MAGIC.length + 2 + SALT_BYTES);
    const check = prefix.subarray(MAGIC.length + 2 + SALT_BYTES);
    if (!timingSafeEqual(check, keyCheck(this.#secret, salt))) throw new AppError(400, 'backup.wrong_secret');
    this.#prefix = Buffer.from(prefix);
    this.#key = encryptionKey(this.#secret, salt);
    return true;
  }

  #openFrame(prefix: Buffer, key: Buffer): boolean {
    if (this.#queue.length < FRAME_HEAD_BYTES) return false;
    const head = this.#queue.peek(FRAME_HEAD_BYTES);
    const length = head.readUInt32BE(0);
    const flags = head.readUInt8(4);
    const known = flags === 0 || flags === FINAL || flags === (FINAL | FAILED);
    if (length > MAX_FRAME_BYTES || !known) {
      throw new AppError(400, 'backup.damaged', { frame: String(this.#index) });
    }
    if (this.#queue.length < FRAME_HEAD_BYTES + length + TAG_BYTES) return false;
    this.#queue.take(FRAME_HEAD_BYTES);
    const body = this.#queue.take(length);
    const tag = this.#queue.take(TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(this.#index, flags));
    decipher.setAAD(aadOf(prefix, this.#index, flags));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new AppError(400, 'backup.damaged', { frame: String(this.#index) });
    }
    this.#index++;
    if ((flags & FAILED) !== 0)
      throw new AppError(400, 'backup.failed_at_source', { reason: plain.toString('utf8') });
    this.#ended = (flags & FINAL) !== 0;
    if (plain.length > 0) this.push(plain);
    return true;
  }

  #drain(): void {
    for (;;) {
      if (!this.#prefix || !this.#key) {
        if (!this.#readPrefix()) return;
        continue;
      }
      if (this.#ended) {
        if (this.#queue.length > 0) throw new AppError(400, 'backup.trailing_data');
        return;
      }
      if (!this.#openFrame(this.#prefix, this.#key)) return;
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.#queue.push(chunk);
    try {
      this.#drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.#prefix) {
      const n = Math.min(this.#queue.length, MAGIC.length);
      const partialMagic = n > 0 && MAGIC.subarray(0, n).equals(this.#queue.peek(n));
      callback(new AppError(400, partialMagic ? 'backup.truncated' : 'backup.not_a_backup'));
      return;
    }
    if (!this.#ended) {
      callback(new AppError(400, 'backup.truncated'));
      return;
    }
    callback();
  }
}
