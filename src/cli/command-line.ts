import { parseArgs } from 'node:util';

/** Where a command writes: what it reports, and why it could not. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * A command's `--name value` options, read strictly (nothing unknown, no
 * positionals), with `-h`/`--help`: their values, or the exit code once the
 * usage is printed (0 for --help; `badUsage`, after the reason, for anything else).
 */
export function readOptions<N extends string>(
  argv: readonly string[],
  names: readonly N[],
  usage: string,
  io: CommandIo,
  badUsage: number,
): { values: Partial<Record<N, string>> } | { exitCode: number } {
  const options = Object.fromEntries([...names.map((name) => [name, { type: 'string' }]), ['help', { type: 'boolean', short: 'h' }]]);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${usage}`);
    return { exitCode: badUsage };
  }
  if (values.help) {
    io.stdout(usage);
    return { exitCode: 0 };
  }
  return { values: values as Partial<Record<N, string>> };
}
