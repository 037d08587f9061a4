// What every command line answers alike: a request for help prints the usage on stdout and
// exits 0, before the command loads anything heavy (Kafka, HTTP, schema or cdktf libraries) and
// before it does anything (a `down --help` stops nothing).

/** `--help`, `-h` anywhere, or `help` as the command. */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv[0] === 'help' || argv.some((a) => a === '--help' || a === '-h');
}

/**
 * For a command that takes no arguments: the exit code to stop with (0 after printing the usage
 * for help, 2 for any argument), or undefined to go on.
 */
export function argumentlessExit(argv: readonly string[], usage: string): 0 | 2 | undefined {
  if (asksForHelp(argv)) {
    console.log(usage);
    return 0;
  }
  if (argv.length > 0) {
    console.error(`unexpected argument "${argv[0]}"\n\n${usage}`);
    return 2;
  }
  return undefined;
}
