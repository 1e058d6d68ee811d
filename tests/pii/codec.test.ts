/**
 * The payload codec (security/codec.ts) and the keyring configuration (security/keyring.ts): what an
 * encrypted payload looks like, rotation, and clear failures for an unknown key or altered ciphertext.
 * Every key is made at run time.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  decodePayload,
  encodePayload,
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  generateKey,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../security/codec.js';
import { ConfigError } from '../../config/index.js';
import { createDataConverter, FAILURE_CONVERTER_PATH } from '../../security/data-converter.js';
import { loadKeyring, prepareDevKeyring } from '../../security/keyring.js';

const SECRET = { name: 'Zelda Quintanilla-Okafor', ssn: '123-45-6789', email: 'zelda.qo@private.example' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

function ring(active: string, keys: Record<string, Buffer>) {
  return createKeyring(active, keys);
}

describe('EncryptionCodec', () => {
  const keyA = generateKey();
  const keyB = generateKey();
  const codecA = new EncryptionCodec(ring('A', { A: keyA }));

  it('469.3b: encrypts with the active key: encoding and key id in the metadata, nothing of the value in clear', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    const [encrypted] = await codecA.encode([plain]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('A');
    expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    const raw = Buffer.from(encrypted!.data!);
    for (const value of [...Object.values(SECRET), 'json/plain']) {
      expect(raw.includes(Buffer.from(value))).toBe(false);
      expect(raw.toString('base64')).not.toContain(Buffer.from(value).toString('base64'));
    }
    const [decoded] = await codecA.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(SECRET);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
  });

  it('uses a fresh IV every time: the same value encrypts differently', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    const [one, two] = await codecA.encode([plain, plain]);
    expect(Buffer.from(one!.data!).equals(Buffer.from(two!.data!))).toBe(false);
    expect(Buffer.from(one!.data!).subarray(0, 12).equals(Buffer.from(two!.data!).subarray(0, 12))).toBe(false);
  });

  it('round-trips every kind of payload: empty data, binary, null, many metadata entries', async () => {
    const payloads: Payload[] = [
      defaultPayloadConverter.toPayload(undefined),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
      {
        metadata: { encoding: Buffer.from('json/plain'), a: Buffer.from(''), ünï: Buffer.alloc(300, 7) },
        data: Buffer.alloc(70_000, 3),
      },
    ];
    const decoded = await codecA.decode(await codecA.encode(payloads));
    expect(decoded.map((p) => encodePayload(p))).toEqual(payloads.map((p) => encodePayload(p)));
  });

  it('writes the plaintext as the protobuf encoding of the Payload (readable by any SDK)', () => {
    const payload: Payload = {
      metadata: { encoding: Buffer.from('json/plain'), x: Buffer.from([1, 2, 3]) },
      data: Buffer.from('{"a":1}'),
    };
    const ours = encodePayload(payload);
    const theirs = temporal.api.common.v1.Payload.encode(payload).finish();
    const back = temporal.api.common.v1.Payload.decode(ours);
    expect(text(back.data)).toBe('{"a":1}');
    expect(Object.keys(back.metadata)).toEqual(['encoding', 'x']);
    expect(decodePayload(theirs)).toEqual({
      metadata: { encoding: new Uint8Array(Buffer.from('json/plain')), x: new Uint8Array([1, 2, 3]) },
      data: new Uint8Array(Buffer.from('{"a":1}')),
    });
  });

  it('leaves payloads that are not encrypted as they are', async () => {
    const plain = defaultPayloadConverter.toPayload({ hello: 'world' });
    expect(await codecA.decode([plain])).toEqual([plain]);
  });

  it('rotation: B encrypts, A still decrypts; a ring without A names A', async () => {
    const [underA] = await codecA.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const rotated = new EncryptionCodec(ring('B', { A: keyA, B: keyB }));
    const [underB] = await rotated.encode([defaultPayloadConverter.toPayload(SECRET)]);
    expect(text(underB!.metadata![KEY_ID_METADATA])).toBe('B');
    const decoded = await rotated.decode([underA!, underB!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SECRET, SECRET]);
    const withoutA = new EncryptionCodec(ring('B', { B: keyB }));
    await expect(withoutA.decode([underA!])).rejects.toThrow(/key "A", which is not in the keyring/);
  });

  it('an unknown key id fails with a PayloadDecryptionError naming the key id', async () => {
    const [payload] = await codecA.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const other = new EncryptionCodec(ring('C', { C: generateKey() }));
    const error = await other.decode([payload!]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as PayloadDecryptionError).keyId).toBe('A');
    expect((error as Error).message).toMatch(/"A"/);
  });

  it('tampered ciphertext, tag or IV fails authentication with the key id, never garbage', async () => {
    const [payload] = await codecA.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const data = Buffer.from(payload!.data!);
    for (const at of [0, 12, Math.floor(data.length / 2), data.length - 1]) {
      const altered = Buffer.from(data);
      altered[at]! ^= 0x01;
      const error = await codecA.decode([{ ...payload!, data: altered }]).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(PayloadDecryptionError);
      expect((error as Error).message).toMatch(/key "A" failed authentication/);
    }
    await expect(codecA.decode([{ ...payload!, data: data.subarray(0, 20) }])).rejects.toThrow(/key "A" is truncated/);
  });

  it('a payload relabelled with another key id of the ring fails (the key id is authenticated)', async () => {
    const both = new EncryptionCodec(ring('A', { A: keyA, B: keyA }));
    const [payload] = await both.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const relabelled = { ...payload!, metadata: { ...payload!.metadata, [KEY_ID_METADATA]: Buffer.from('B') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/key "B" failed authentication/);
  });

  it('an encrypted payload without a key id fails clearly', async () => {
    const [payload] = await codecA.encode([defaultPayloadConverter.toPayload(SECRET)]);
    await expect(
      codecA.decode([{ ...payload!, metadata: { encoding: payload!.metadata!.encoding! } }]),
    ).rejects.toThrow(/no encryption-key-id/);
  });

  it('createKeyring refuses a short key and an active key that is not in the ring', () => {
    expect(() => createKeyring('A', { A: Buffer.alloc(16) })).toThrow(/key "A": expected 32 bytes/);
    expect(() => createKeyring('B', { A: generateKey() })).toThrow(/active key "B" is not among the keys/);
    expect(() => createKeyring('a b', { 'a b': generateKey() })).toThrow(/key id "a b"/);
  });

  it('the data converter: the codec and the failure converter that encodes messages and stack traces', async () => {
    const converter = createDataConverter(ring('A', { A: keyA }));
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    const { failureConverter } = (await import(FAILURE_CONVERTER_PATH)) as {
      failureConverter: { options: { encodeCommonAttributes: boolean } };
    };
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
  });
});

describe('keyring configuration', () => {
  const b64 = () => generateKey().toString('base64');

  async function tempFile(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'keyring-'));
    const file = join(dir, 'keyring.json');
    await writeFile(file, content);
    return file;
  }

  const none = join(tmpdir(), 'no-such-dir', 'keyring.json');

  it('BREACH_KEYRING: a file with an active key and older ones', async () => {
    const file = await tempFile(JSON.stringify({ active: '2026-02', keys: { '2026-01': b64(), '2026-02': b64() } }));
    const { keyring, source } = await loadKeyring({ BREACH_KEYRING: file }, none);
    expect(keyring.activeKeyId).toBe('2026-02');
    expect([...keyring.keys.keys()]).toEqual(['2026-01', '2026-02']);
    expect(source).toContain(file);
  });

  it('BREACH_ENCRYPTION_KEY with BREACH_ENCRYPTION_KEY_ID: one key', async () => {
    const { keyring } = await loadKeyring({ BREACH_ENCRYPTION_KEY: b64(), BREACH_ENCRYPTION_KEY_ID: 'k1' }, none);
    expect(keyring.activeKeyId).toBe('k1');
  });

  it('refuses bad configuration with a message naming the field, never the key material', async () => {
    const short = Buffer.alloc(16, 9).toString('base64');
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{}, /no encryption key: .*BREACH_KEYRING.*BREACH_ENCRYPTION_KEY/],
      [{ BREACH_ENCRYPTION_KEY: b64() }, /BREACH_ENCRYPTION_KEY_ID is not/],
      [{ BREACH_ENCRYPTION_KEY_ID: 'k1' }, /BREACH_ENCRYPTION_KEY is not/],
      [
        { BREACH_ENCRYPTION_KEY: short, BREACH_ENCRYPTION_KEY_ID: 'k1' },
        /BREACH_ENCRYPTION_KEY: expected exactly 32 bytes/,
      ],
      [
        { BREACH_ENCRYPTION_KEY: 'not base64!', BREACH_ENCRYPTION_KEY_ID: 'k1' },
        /BREACH_ENCRYPTION_KEY: expected 32 random bytes in base64/,
      ],
      [
        { BREACH_ENCRYPTION_KEY: b64(), BREACH_ENCRYPTION_KEY_ID: 'has space' },
        /BREACH_ENCRYPTION_KEY_ID: expected a key id/,
      ],
      [{ BREACH_KEYRING: none }, /cannot read the keyring file \(BREACH_KEYRING\) .*ENOENT/],
      [{ BREACH_KEYRING: '/x', BREACH_ENCRYPTION_KEY: b64() }, /either BREACH_KEYRING .* not both/],
    ];
    for (const [env, message] of cases) {
      const error = await loadKeyring(env, none).catch((err: unknown) => err);
      expect(error, JSON.stringify(Object.keys(env))).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('refuses a bad keyring file: not JSON (without quoting it), wrong active, short key, unknown field', async () => {
    const secret = b64();
    const cases: [string, RegExp][] = [
      [`{ "active": "a", "keys": { "a": "${secret}" `, /is not valid JSON$/],
      [JSON.stringify({ active: 'b', keys: { a: secret } }), /active: expected the id of one of `keys`/],
      [
        JSON.stringify({ active: 'a', keys: { a: Buffer.alloc(31).toString('base64') } }),
        /keys\.a: expected exactly 32 bytes/,
      ],
      [JSON.stringify({ active: 'a', keys: {} }), /keys: expected at least one key/],
      [JSON.stringify({ active: 'a', keys: { a: secret }, extra: 1 }), /Unrecognized key/i],
    ];
    for (const [content, message] of cases) {
      const file = await tempFile(content);
      const error = await loadKeyring({ BREACH_KEYRING: file }, none).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(secret.slice(0, 12));
    }
  });

  it('outside production, the development keyring npm start made is used when nothing is configured', async () => {
    const file = await tempFile(JSON.stringify({ active: 'dev', keys: { dev: b64() } }));
    expect((await loadKeyring({}, file)).keyring.activeKeyId).toBe('dev');
    await expect(loadKeyring({ NODE_ENV: 'production' }, file)).rejects.toThrow(/no encryption key/);
  });

  it('npm start makes the development keyring once (0600), then keeps it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'data-'));
    const first = await prepareDevKeyring({}, dataDir);
    expect(first.note).toMatch(/made a development encryption key in .*keyring\.json/);
    const file = first.childEnv.BREACH_KEYRING!;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const content = await readFile(file, 'utf8');
    const second = await prepareDevKeyring({}, dataDir);
    expect(second.note).toMatch(/development keyring/);
    expect(await readFile(file, 'utf8')).toBe(content);
    const configured = await prepareDevKeyring(
      { BREACH_ENCRYPTION_KEY: b64(), BREACH_ENCRYPTION_KEY_ID: 'prod' },
      dataDir,
    );
    expect(configured.childEnv).toEqual({});
  });
});

describe('the owning incident (469.2c(1): the codec server decrypts per incident)', () => {
  const key = generateKey();
  const codec = new EncryptionCodec(ring('A', { A: key }));
  const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });
  const activity = (workflowId: string) => ({
    type: 'activity' as const,
    namespace: 'default',
    workflowId,
    activityId: '1',
    isLocal: false,
  });

  it('records the incident of the serialization context in clear and bound inside; decode gives back the payload as it was', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    for (const [context, incident] of [
      [workflow('breach-inc-A1'), 'inc-A1'],
      [workflow('breach-inc-A1:notify'), 'inc-A1'], // the roster run of the incident
      [activity('breach-inc-A1'), 'inc-A1'],
    ] as const) {
      const [encrypted] = await codec.encode([plain], context);
      expect(text(encrypted!.metadata!['breach-incident'])).toBe(incident);
      expect(text(encrypted!.data)).not.toContain('123-45-6789');
      const [owned] = await codec.decodeOwned([encrypted!]);
      expect(owned).toMatchObject({ encrypted: true, incidentId: incident, relabelled: false });
      expect(await codec.decode([encrypted!])).toEqual([plain]);
    }
  });

  it('records no incident for a workflow that is not an incident (an exercise) or without a context', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    for (const context of [workflow('exercise-2026'), undefined]) {
      const [encrypted] = await codec.encode([plain], context);
      expect(encrypted!.metadata!['breach-incident']).toBeUndefined();
      const [owned] = await codec.decodeOwned([encrypted!]);
      expect(owned!.incidentId).toBeUndefined();
      expect(owned!.relabelled).toBe(false);
    }
  });

  it('a payload relabelled with another incident, or labelled after the fact, is known as relabelled', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    const [ofB] = await codec.encode([plain], workflow('breach-inc-B2'));
    const relabelled = { ...ofB!, metadata: { ...ofB!.metadata, 'breach-incident': Buffer.from('inc-A1') } };
    expect((await codec.decodeOwned([relabelled]))[0]).toMatchObject({ incidentId: 'inc-B2', relabelled: true });
    const [unlabelled] = await codec.encode([plain]);
    const labelled = {
      ...unlabelled!,
      metadata: { ...unlabelled!.metadata, 'breach-incident': Buffer.from('inc-A1') },
    };
    expect((await codec.decodeOwned([labelled]))[0]).toMatchObject({ relabelled: true });
    expect((await codec.decodeOwned([labelled]))[0]!.incidentId).toBeUndefined();
  });

  it('the previous release reads what this one writes: the additional data is still the key id alone', async () => {
    const plain = defaultPayloadConverter.toPayload(SECRET);
    const [encrypted] = await codec.encode([plain], workflow('breach-inc-A1'));
    const data = encrypted!.data!;
    // As the codec before this change decrypted: AES-256-GCM, additional data = the key id.
    const { createDecipheriv } = await import('node:crypto');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(Buffer.from('A'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const inner = decodePayload(
      Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]),
    );
    expect(defaultPayloadConverter.fromPayload(inner)).toEqual(SECRET);
    expect(text(inner.metadata!.encoding)).toBe('json/plain');
  });
});
