/**
 * Property tests of the streaming AEAD: round trips for sizes 0..10 MB around
 * segment boundaries, written in random chunk sizes; and every attack on the
 * ciphertext — truncation (mid-segment and at a boundary), reordering,
 * a segment swapped in from another file, bit flips anywhere, appended bytes,
 * wrong key or context — fails to decrypt.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createDecryptStream, createEncryptStream, encryptedSize, SEGMENT_SIZE, STREAM_HEADER_SIZE, StreamAuthError } from './stream.js';

const SEG_CT = SEGMENT_SIZE + 16;

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feed `data` in random-sized chunks. */
function chunked(data: Buffer, random: () => number): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; ) {
    const size = Math.max(1, Math.floor(random() * 3 * SEGMENT_SIZE * (random() < 0.5 ? 0.01 : 1)));
    chunks.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return Readable.from(chunks);
}

async function collect(source: Readable, transform: Transform): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(source, transform, async (input: AsyncIterable<Buffer>) => {
    for await (const chunk of input) out.push(chunk);
  });
  return Buffer.concat(out);
}

const key = crypto.randomBytes(32);
const encrypt = (data: Buffer, random: () => number, context = 'blob:1', k = key) => collect(chunked(data, random), createEncryptStream(k, context));
const decrypt = (data: Buffer, random: () => number, context = 'blob:1', k = key) => collect(chunked(data, random), createDecryptStream(k, context));

async function assertRejected(data: Buffer, random: () => number, label: string, context = 'blob:1', k = key): Promise<void> {
  await assert.rejects(decrypt(data, random, context, k), (error: unknown) => error instanceof StreamAuthError, label);
}

describe('streaming AEAD', () => {
  it('round-trips sizes 0..10 MB around segment boundaries, in random chunks', async () => {
    const sizes = [0, 1, 15, 16, 17, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE - 1, 2 * SEGMENT_SIZE, 2 * SEGMENT_SIZE + 1, 3 * SEGMENT_SIZE + 7, 10 * 1024 * 1024, 10 * 1024 * 1024 - 1];
    const random = prng(1);
    for (let i = 0; i < 12; i++) sizes.push(Math.floor(random() * 3_000_000));
    for (const [i, size] of sizes.entries()) {
      const r = prng(100 + i);
      const plaintext = crypto.randomBytes(size);
      const ciphertext = await encrypt(plaintext, r);
      assert.equal(ciphertext.length, encryptedSize(size), `size ${size}`);
      assert.ok(size < 32 || !ciphertext.includes(plaintext.subarray(0, 32)), 'no plaintext in the ciphertext');
      assert.ok((await decrypt(ciphertext, r)).equals(plaintext), `round trip of ${size} bytes (seed ${100 + i})`);
    }
  });

  it('never encrypts the same plaintext to the same bytes (fresh salt and nonce prefix per file)', async () => {
    const plaintext = Buffer.alloc(1000, 7);
    const a = await encrypt(plaintext, prng(2));
    const b = await encrypt(plaintext, prng(2));
    assert.ok(!a.equals(b));
  });

  it('rejects truncation mid-segment and exactly at a segment boundary', async () => {
    const ciphertext = await encrypt(crypto.randomBytes(3 * SEGMENT_SIZE + 100), prng(3));
    await assertRejected(ciphertext.subarray(0, ciphertext.length - 1), prng(4), 'one byte short');
    await assertRejected(ciphertext.subarray(0, STREAM_HEADER_SIZE + 2 * SEG_CT), prng(5), 'cut at a boundary (a non-final segment presented as final)');
    await assertRejected(ciphertext.subarray(0, STREAM_HEADER_SIZE + 10), prng(6), 'cut inside the first segment');
    await assertRejected(ciphertext.subarray(0, STREAM_HEADER_SIZE - 1), prng(7), 'header only, short');
    await assertRejected(ciphertext.subarray(0, STREAM_HEADER_SIZE), prng(8), 'header only');
    await assertRejected(Buffer.alloc(0), prng(9), 'empty');
  });

  it('rejects reordered and duplicated segments, and a segment swapped in from another file', async () => {
    const random = prng(10);
    const ciphertext = await encrypt(crypto.randomBytes(4 * SEGMENT_SIZE), random);
    const seg = (data: Buffer, i: number) => data.subarray(STREAM_HEADER_SIZE + i * SEG_CT, STREAM_HEADER_SIZE + (i + 1) * SEG_CT);
    const header = ciphertext.subarray(0, STREAM_HEADER_SIZE);
    const tail = ciphertext.subarray(STREAM_HEADER_SIZE + 3 * SEG_CT);
    await assertRejected(Buffer.concat([header, seg(ciphertext, 1), seg(ciphertext, 0), seg(ciphertext, 2), tail]), random, 'swap 0 and 1');
    await assertRejected(Buffer.concat([header, seg(ciphertext, 0), seg(ciphertext, 0), seg(ciphertext, 2), tail]), random, 'duplicate 0');
    await assertRejected(Buffer.concat([header, seg(ciphertext, 0), seg(ciphertext, 2), tail]), random, 'drop 1');
    // Another file under the same key: its segments are under another file key.
    const other = await encrypt(crypto.randomBytes(4 * SEGMENT_SIZE), random);
    await assertRejected(Buffer.concat([header, seg(ciphertext, 0), seg(other, 1), seg(ciphertext, 2), tail]), random, 'segment from another file');
    // Even the other file's header with this file's segments fails.
    await assertRejected(Buffer.concat([other.subarray(0, STREAM_HEADER_SIZE), ciphertext.subarray(STREAM_HEADER_SIZE)]), random, 'header from another file');
  });

  it('rejects a bit flip anywhere, appended bytes, the wrong key and the wrong context', async () => {
    const random = prng(11);
    const ciphertext = await encrypt(crypto.randomBytes(2 * SEGMENT_SIZE + 500), random);
    const positions = [0, 1, STREAM_HEADER_SIZE - 1, STREAM_HEADER_SIZE, STREAM_HEADER_SIZE + SEG_CT - 1, STREAM_HEADER_SIZE + SEG_CT, ciphertext.length - 1];
    for (let i = 0; i < 40; i++) positions.push(Math.floor(random() * ciphertext.length));
    for (const position of positions) {
      const flipped = Buffer.from(ciphertext);
      flipped[position] = (flipped[position] as number) ^ (1 << Math.floor(random() * 8));
      await assertRejected(flipped, random, `bit flip at ${position}`);
    }
    await assertRejected(Buffer.concat([ciphertext, Buffer.from([0])]), random, 'one byte appended');
    await assertRejected(Buffer.concat([ciphertext, ciphertext.subarray(STREAM_HEADER_SIZE, STREAM_HEADER_SIZE + SEG_CT)]), random, 'a segment appended');
    await assertRejected(ciphertext, random, 'wrong context', 'blob:2');
    await assertRejected(ciphertext, random, 'wrong key', 'blob:1', crypto.randomBytes(32));
  });

  it('streams: plaintext comes out while the ciphertext is still coming in (never buffered whole)', async () => {
    const size = 64 * 1024 * 1024;
    let sourceSent = 0;
    let sentWhenFirstOut: number | undefined;
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (; sourceSent < size; sourceSent += 1024 * 1024) yield Buffer.alloc(1024 * 1024, sourceSent & 0xff);
      })(),
    );
    await pipeline(source, createEncryptStream(key, 'big'), createDecryptStream(key, 'big'), async (input: AsyncIterable<Buffer>) => {
      for await (const chunk of input) {
        sentWhenFirstOut ??= sourceSent;
        produced += chunk.length;
      }
    });
    assert.equal(produced, size);
    assert.ok(sentWhenFirstOut !== undefined && sentWhenFirstOut < size / 8, `first plaintext after ${sentWhenFirstOut} of ${size} bytes were read`);
  });
});
