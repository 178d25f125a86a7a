/** Loud one-time output of secrets a person must write down. */

/** Print a boxed notice to stderr. */
export function printSecretNotice(title: string, lines: readonly string[]): void {
  const width = Math.max(title.length, ...lines.map((line) => line.length)) + 4;
  const bar = '#'.repeat(width);
  process.stderr.write(`\n${bar}\n# ${title.padEnd(width - 4)} #\n${bar}\n`);
  for (const line of lines) process.stderr.write(`# ${line.padEnd(width - 4)} #\n`);
  process.stderr.write(`${bar}\n\n`);
}
