/** Reading secrets for the CLI: from a file, or typed at a terminal without echo. */
import fs from 'node:fs';
import readline from 'node:readline';

/** Read a secret from `file` (first line) or prompt for it. Never logs it. */
export async function readSecret(question: string, file?: string): Promise<string> {
  if (file) return (fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim();
  const input = process.stdin;
  const rl = readline.createInterface({ input, output: process.stderr, terminal: input.isTTY });
  const output = rl as unknown as { _writeToOutput?: (text: string) => void };
  process.stderr.write(question);
  // Mute echo of typed characters on a terminal.
  if (input.isTTY) output._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  if (input.isTTY) process.stderr.write('\n');
  return answer.trim();
}
