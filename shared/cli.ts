// What every command line answers alike: a request for help prints the usage on stdout and
// exits 0, before the command loads anything heavy (Kafka, HTTP, schema or cdktf libraries) and
// before it does anything (a `down --help` stops nothing).

/** `--help`, `-h` anywhere, or `help` as the command. */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv[0] === 'help' || argv.some((a) => a === '--help' || a === '-h');
}
