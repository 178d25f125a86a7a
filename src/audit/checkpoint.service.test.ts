import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type Checkpoint, readCheckpoints } from './checkpoint.service.js';

const checkpoint = (seq: number): Checkpoint => ({ seq, hash: 'ab'.repeat(32), at: '2026-12-01T10:00:00.000Z', keyId: 'audit-signing.v1', publicKey: 'MCowBQYDK2VwAyEA', signature: 'c2ln' });

function withFile(text: string, check: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-checkpoints-'));
  try {
    const file = path.join(dir, 'witness.log');
    fs.writeFileSync(file, text);
    check(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('reading exported checkpoints', () => {
  it('reads every line of the export, a syslog collector and a webhook receiver alike', () => {
    const lines = [
      JSON.stringify(checkpoint(1)),
      `<85>1 2026-12-01T10:05:00.000Z tacet tacet - audit-checkpoint - ${JSON.stringify(checkpoint(2))}`,
      JSON.stringify({ type: 'audit-checkpoint', ...checkpoint(3) }),
      '',
    ];
    withFile(lines.join('\n'), (file) => assert.deepEqual(readCheckpoints(file), [checkpoint(1), checkpoint(2), checkpoint(3)]));
  });

  it('refuses a line that is not a checkpoint, naming it, and an empty file', () => {
    withFile(`${JSON.stringify(checkpoint(1))}\n{"seq":"2"}\n`, (file) => assert.throws(() => readCheckpoints(file), /line 2 of .* is not a Tacet checkpoint/));
    withFile('not json\n', (file) => assert.throws(() => readCheckpoints(file), /line 1 of .* is not a Tacet checkpoint/));
    withFile('\n\n', (file) => assert.throws(() => readCheckpoints(file), /no checkpoint in/));
  });
});
