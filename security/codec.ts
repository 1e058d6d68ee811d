/**
 * The payload codec: every payload the client and the worker send (arguments, results, signals,
 * updates, queries, memo, heartbeat details, summaries, encoded failure messages) is encrypted with
 * AES-256-GCM before it leaves the process (5 FAM 469.3b: sensitive PII in electronic form is
 * encrypted). Temporal stores and shows only ciphertext; the codec server (api/codec-server.ts) decrypts for
 * an operator with a token.
 *
 * An encrypted payload:
 *   metadata.encoding           "binary/encrypted"
 *   metadata.encryption-key-id  the id of the key it was encrypted with (clear: it names a key, not a person)
 *   metadata.breach-incident    the incident that owns it, when the SDK says (security/codec-owner.ts)
 *   data                        12-byte random IV ‖ ciphertext ‖ 16-byte GCM tag
 * The plaintext is the original Payload in its protobuf encoding (as in Temporal's encryption samples,
 * so a codec written with another SDK reads it), and the key id is the GCM additional data: a payload
 * relabelled with another key id fails authentication instead of decrypting.
 *
 * The owning incident is bound, but not through the additional data: it is written twice, in clear
 * for people and tools, and inside the plaintext (the inner payload's `breach-incident` metadata),
 * where the GCM tag covers it. The codec server trusts only the inner one and leaves a payload whose
 * clear label disagrees as it came (api/codec-access.ts). Not the AAD because a codec of the previous
 * release (keyId-only AAD) must still read what this one writes while a release rolls forward or back
 * (docs/releases.md); the inner key is one metadata entry the payload converters ignore, and decode
 * removes it. Payloads written before carry no incident: they decode as ever (owner unknown).
 *
 * Keys rotate through the keyring: the active key encrypts, every key in the ring decrypts, so
 * histories written under an older key still replay and answer queries (security/keyring.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { INCIDENT_METADATA, incidentOfContext } from './codec-owner.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CIPHER = 'aes-256-gcm';

/** Key ids are stored in clear in every payload's metadata: short, opaque, no PII. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** One key that encrypts and any number that still decrypt. */
export interface Keyring {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Uint8Array>;
}

/** A payload that cannot be decrypted: unknown key, altered ciphertext, or a malformed envelope. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
  constructor(
    message: string,
    readonly keyId: string | undefined,
  ) {
    super(message);
  }
}

export function createKeyring(
  activeKeyId: string,
  keys: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>,
): Keyring {
  const map = new Map(keys instanceof Map ? keys : Object.entries(keys));
  for (const [id, key] of map) {
    if (!KEY_ID_PATTERN.test(id))
      throw new Error(`key id "${id}": expected 1 to 64 letters, digits, dots, dashes or underscores`);
    if (key.length !== KEY_BYTES)
      throw new Error(`key "${id}": expected ${KEY_BYTES} bytes (AES-256), got ${key.length}`);
  }
  if (!map.has(activeKeyId))
    throw new Error(`the active key "${activeKeyId}" is not among the keys (${[...map.keys()].join(', ') || 'none'})`);
  return { activeKeyId, keys: map };
}

/** A fresh random AES-256 key. */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

/** A decoded payload and, for an encrypted one, the incident its plaintext names (authenticated). */
export interface OwnedPayload {
  payload: Payload;
  encrypted: boolean;
  /** The incident bound inside the ciphertext; undefined for a payload written without one. */
  incidentId?: string;
  /** The clear label names another incident than the bound one (or one was added): altered. */
  relabelled: boolean;
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.keys.get(keyId)!;
    const incidentId = incidentOfContext(context);
    const label: Record<string, Uint8Array> =
      incidentId === undefined ? {} : { [INCIDENT_METADATA]: utf8.encode(incidentId) };
    return payloads.map((payload) => {
      const inner = incidentId === undefined ? payload : { ...payload, metadata: { ...payload.metadata, ...label } };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(utf8.encode(keyId));
      const data = Buffer.concat([iv, cipher.update(encodePayload(inner)), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(keyId), ...label },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return (await this.decodeOwned(payloads)).map((owned) => owned.payload);
  }

  /** decode, telling for each payload the incident bound inside it (for the codec server's need to know). */
  async decodeOwned(payloads: Payload[]): Promise<OwnedPayload[]> {
    return payloads.map((payload): OwnedPayload => {
      // Not ours (written before encryption, or by something else): left as it is.
      if (!isEncrypted(payload)) return { payload, encrypted: false, relabelled: false };
      const opened = this.open(payload);
      const { [INCIDENT_METADATA]: bound, ...metadata } = opened.metadata ?? {};
      const incidentId = bound ? fromUtf8.decode(bound) : undefined;
      const labelled = payload.metadata?.[INCIDENT_METADATA];
      const relabelled = (labelled ? fromUtf8.decode(labelled) : undefined) !== incidentId;
      return {
        payload: { ...opened, metadata },
        encrypted: true,
        ...(incidentId !== undefined ? { incidentId } : {}),
        relabelled,
      };
    });
  }

  private open(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    const rawKeyId = metadata[KEY_ID_METADATA];
    if (!rawKeyId)
      throw new PayloadDecryptionError(
        `an encrypted payload carries no ${KEY_ID_METADATA}: it cannot be decrypted`,
        undefined,
      );
    const keyId = fromUtf8.decode(rawKeyId);
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload is encrypted with key "${keyId}", which is not in the keyring (keys: ${[...this.keyring.keys.keys()].join(', ')}): add that key to the keyring to read it`,
        keyId,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(
        `a payload encrypted with key "${keyId}" is truncated (${data.length} bytes)`,
        keyId,
      );
    let plain: Buffer;
    try {
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(utf8.encode(keyId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key "${keyId}" failed authentication: it was altered, or key "${keyId}" in this keyring is not the key it was encrypted with`,
        keyId,
      );
    }
    try {
      return decodePayload(plain);
    } catch (err) {
      throw new PayloadDecryptionError(
        `a payload encrypted with key "${keyId}" decrypted to a malformed payload (${(err as Error).message})`,
        keyId,
      );
    }
  }
}

// --- temporal.api.common.v1.Payload { map<string, bytes> metadata = 1; bytes data = 2; } -------------
// Written by hand (a few lines) rather than importing @temporalio/proto, which is not a direct dependency.

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array[] {
  return [Uint8Array.from([(field << 3) | 2, ...varint(bytes.length)]), bytes];
}

export function encodePayload(payload: Payload): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    const entry = Buffer.concat([
      ...lengthDelimited(1, utf8.encode(key)),
      ...lengthDelimited(2, value ?? new Uint8Array()),
    ]);
    parts.push(...lengthDelimited(1, entry));
  }
  if (payload.data && payload.data.length > 0) parts.push(...lengthDelimited(2, payload.data));
  return Buffer.concat(parts);
}

class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      if (this.at >= this.bytes.length) throw new Error('truncated varint');
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error('varint too long');
  }
  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new Error('truncated field');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  /** [field number, value] for length-delimited fields; other wire types are skipped (returns undefined value). */
  field(): [number, Uint8Array | undefined] {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        this.varint();
        return [field, undefined];
      case 1:
        this.take(8);
        return [field, undefined];
      case 2:
        return [field, this.take(this.varint())];
      case 5:
        this.take(4);
        return [field, undefined];
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
}

export function decodePayload(bytes: Uint8Array): Payload {
  const metadata: Record<string, Uint8Array> = {};
  let data: Uint8Array = new Uint8Array();
  const reader = new Reader(bytes);
  while (!reader.done) {
    const [field, value] = reader.field();
    if (value === undefined) continue;
    if (field === 1) {
      const entry = new Reader(value);
      let key = '';
      let entryValue: Uint8Array = new Uint8Array();
      while (!entry.done) {
        const [f, v] = entry.field();
        if (f === 1 && v) key = fromUtf8.decode(v);
        else if (f === 2 && v) entryValue = Uint8Array.from(v);
      }
      metadata[key] = entryValue;
    } else if (field === 2) {
      data = Uint8Array.from(value);
    }
  }
  return { metadata, data };
}
