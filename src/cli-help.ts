import { readFileSync } from 'node:fs';

export const EXIT_CODES = `exit codes:
  0    ok
  1    a regression (compare) or a failed expectation (run); doctor: the netns backend cannot run
  2    bad input: a flag, a scenario file, a missing prerequisite (one line on stderr)
  3    inconclusive: too few trials to decide (compare)
  130  interrupted (Ctrl-C / SIGTERM); a run keeps its results: continue it with --resume
`;

/** The lines of the usage text that describe one command (from its line to the next command's). */
export function commandHelp(usage: string, command: string): string | undefined {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^  ${command}( |$)`).test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && (lines[end]!.startsWith('   ') || lines[end] === '' && lines[end + 1]?.startsWith('   '))) end++;
  return `usage: gomod-chaos ${lines.slice(start, end).join('\n').trimStart()}\n\n${EXIT_CODES}`;
}

/** Commands named in the usage text (for "did you mean"). */
export function commandNames(usage: string): string[] {
  return [...usage.matchAll(/^  ([a-z]+)(?= |$)/gm)].map((m) => m[1]!);
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
