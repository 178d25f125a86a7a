/**
 * Photo storage benchmark: the streaming AEAD (STREAM over AES-256-GCM,
 * 64 KiB segments) end to end through the local BlobStore (file write with
 * fsync and atomic rename; file read), against this machine's OpenSSL
 * measured in the same run.
 *
 *  1. `openssl speed -evp aes-256-gcm -bytes 65536` (one core): the baseline;
 *  2. encrypt a 256 MB file into the blob store, and decrypt it back to a
 *     sink: MB/s and the ratio to the baseline (target >= 0.5);
 *     Two more baselines from the same run say what bounds the figures: the
 *     disk (the same file written with fsync, and read back, no crypto) and
 *     Node's own AES-256-GCM (its bundled OpenSSL, one createCipheriv per
 *     64 KiB segment, no streams or I/O);
 *  3. peak RSS growth while streaming a 1 GB body through encrypt and then
 *     decrypt (target < 64 MB): nothing is ever held whole.
 *
 * Usage: npm run bench:photos [-- --mb 256 --stream-mb 1024]
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createLocalBlobStore, getDecrypted, putEncrypted } from '../src/storage/blob-store.js';

const { values: args } = parseArgs({ options: { mb: { type: 'string', default: '256' }, 'stream-mb': { type: 'string', default: '1024' } } });
const MB = 1024 * 1024;
const SIZE = Number(args.mb) * MB;
const STREAM_SIZE = Number(args['stream-mb']) * MB;

function opensslBytesPerSecond(): number {
  const out = execFileSync('openssl', ['speed', '-evp', 'aes-256-gcm', '-seconds', '3', '-bytes', '65536'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').find((l) => /^AES-256-GCM\s/i.test(l.trim()));
  const match = line ? /([\d.]+)k\s*$/.exec(line.trim()) : null;
  if (!match) throw new Error('could not read `openssl speed` output');
  return Number(match[1]) * 1000;
}

const sink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

/** A body of `size` bytes from one random 1 MiB block, produced on demand. */
function generated(size: number): Readable {
  const block = randomFillSync(Buffer.alloc(MB));
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, MB);
      left -= n;
      this.push(n === MB ? block : block.subarray(0, n));
    },
  });
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return peak - base;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-bench-photos-'));
try {
  const store = createLocalBlobStore(path.join(dir, 'blobs'));
  const key = randomFillSync(Buffer.alloc(32));
  const source = path.join(dir, 'source.bin');
  const fd = fs.openSync(source, 'w');
  for (let written = 0; written < SIZE; written += MB) fs.writeSync(fd, randomFillSync(Buffer.alloc(Math.min(MB, SIZE - written))));
  fs.closeSync(fd);

  // Memory first, in a process that has not yet churned through the throughput runs.
  const encryptGrowth = await peakRssGrowth(() => putEncrypted(store, 'bench/large', generated(STREAM_SIZE), key).then(() => undefined));
  const decryptGrowth = await peakRssGrowth(async () => pipeline(await getDecrypted(store, 'bench/large', key), sink()));
  await store.delete('bench/large');

  const baseline = opensslBytesPerSecond();
  const nodeGcm = (() => {
    const block = randomFillSync(Buffer.alloc(64 * 1024));
    const iv = Buffer.alloc(12);
    let start = performance.now();
    for (let i = 0; i < SIZE / block.length; i += 1) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.update(block);
      cipher.final();
      cipher.getAuthTag();
    }
    const encryptRate = SIZE / ((performance.now() - start) / 1000);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = cipher.update(block);
    cipher.final();
    const tag = cipher.getAuthTag();
    start = performance.now();
    for (let i = 0; i < SIZE / block.length; i += 1) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      decipher.update(ct);
      decipher.final();
    }
    return { encrypt: encryptRate, decrypt: SIZE / ((performance.now() - start) / 1000) };
  })();
  const disk = await (async () => {
    const copy = path.join(dir, 'copy.bin');
    let start = performance.now();
    await pipeline(fs.createReadStream(source, { highWaterMark: MB }), fs.createWriteStream(copy, { highWaterMark: 2 * MB }));
    const handle = await fs.promises.open(copy, 'r');
    await handle.sync();
    await handle.close();
    const write = SIZE / ((performance.now() - start) / 1000);
    start = performance.now();
    await pipeline(fs.createReadStream(copy, { highWaterMark: MB }), sink());
    const read = SIZE / ((performance.now() - start) / 1000);
    fs.rmSync(copy);
    return { write, read };
  })();
  const runs: { encrypt: number; decrypt: number }[] = [];
  for (let run = 0; run < 3; run += 1) {
    let start = performance.now();
    await putEncrypted(store, 'bench/photo', fs.createReadStream(source, { highWaterMark: MB }), key);
    const encrypt = SIZE / ((performance.now() - start) / 1000);
    start = performance.now();
    await pipeline(await getDecrypted(store, 'bench/photo', key), sink());
    const decrypt = SIZE / ((performance.now() - start) / 1000);
    runs.push({ encrypt, decrypt });
  }
  const best = (pick: (r: { encrypt: number; decrypt: number }) => number) => Math.max(...runs.map(pick));
  const encrypt = best((r) => r.encrypt);
  const decrypt = best((r) => r.decrypt);


  const mbps = (bytes: number) => `${(bytes / MB).toFixed(0)} MB/s`;
  console.log(`photo storage (${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.versions.node}, OpenSSL ${process.versions.openssl})`);
  console.log(`  baseline openssl speed -evp aes-256-gcm (64 KiB blocks): ${mbps(baseline)}`);
  console.log(`  bound: Node's AES-256-GCM per 64 KiB segment: encrypt ${mbps(nodeGcm.encrypt)} (${(nodeGcm.encrypt / baseline).toFixed(2)} of openssl), decrypt ${mbps(nodeGcm.decrypt)} (${(nodeGcm.decrypt / baseline).toFixed(2)})`);
  console.log(`  bound: disk, same file, no crypto: write+fsync ${mbps(disk.write)}, read ${mbps(disk.read)}`);
  console.log(`  encrypt ${SIZE / MB} MB into the blob store (best of 3):  ${mbps(encrypt)}  ratio ${(encrypt / baseline).toFixed(2)} to openssl (target >= 0.5); ${(encrypt / Math.min(nodeGcm.encrypt, disk.write)).toFixed(2)} of its bound`);
  console.log(`  decrypt ${SIZE / MB} MB from the blob store (best of 3):  ${mbps(decrypt)}  ratio ${(decrypt / baseline).toFixed(2)} to openssl (target >= 0.5); ${(decrypt / Math.min(nodeGcm.decrypt, disk.read)).toFixed(2)} of its bound`);
  console.log(`  streaming ${STREAM_SIZE / MB} MB: peak RSS growth encrypt ${(encryptGrowth / MB).toFixed(1)} MB, decrypt ${(decryptGrowth / MB).toFixed(1)} MB (target < 64 MB)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
