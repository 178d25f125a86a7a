/** Loud output a person must not miss: secrets to write down once, warnings. */

function printBox(edge: string, title: string, lines: readonly string[]): void {
  const width = Math.max(title.length, ...lines.map((line) => line.length)) + 4;
  const bar = edge.repeat(width);
  process.stderr.write(`\n${bar}\n${edge} ${title.padEnd(width - 4)} ${edge}\n${bar}\n`);
  for (const line of lines) process.stderr.write(`${edge} ${line.padEnd(width - 4)} ${edge}\n`);
  process.stderr.write(`${bar}\n\n`);
}

/** Print a boxed notice to stderr. */
export function printSecretNotice(title: string, lines: readonly string[]): void {
  printBox('#', title, lines);
}

/** Print a boxed warning to stderr (title prefixed `WARNING:`). */
export function printWarning(title: string, lines: readonly string[]): void {
  printBox('!', `WARNING: ${title}`, lines);
}
