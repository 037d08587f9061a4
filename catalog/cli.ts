#!/usr/bin/env -S npx tsx
// The catalog's command line: validate (the PR check) and codeowners.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CODEOWNERS_FILE, renderCodeowners } from './codeowners';
import { OUTPUT_FORMATS, render } from './report';
import type { OutputFormat } from './report';
import type * as Loader from './loader';
import type * as Validation from './validate';

// The catalog's parsers and checks load on first use: `--help` and usage errors answer without.
/* eslint-disable @typescript-eslint/no-require-imports */
const loader = (): typeof Loader => require('./loader');
const validation = (): typeof Validation => require('./validate');
/* eslint-enable @typescript-eslint/no-require-imports */

const HELP = `Usage: streamplane-catalog <command> [options]

Commands:
  validate     Check platform.yaml, topics/*.yaml and schemas/ (exit 0 clean, 1 errors, 2 usage)
  codeowners   Write .github/CODEOWNERS from the catalog's owners

Options:
  --root <dir>       Catalog root (default: current directory)
  --base <rev>       validate: also check change safety against this git revision (e.g. origin/main)
  --format <fmt>     validate: human (default), json or github (Actions annotations)
  --no-cache         validate: parse every file and check every schema, ignoring node_modules/.cache/streamplane
  -h, --help         Show this help
`;

export function main(argv: string[], out = process.stdout, err = process.stderr): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        root: { type: 'string', default: '.' },
        base: { type: 'string' },
        format: { type: 'string', default: 'human' },
        help: { type: 'boolean', short: 'h', default: false },
        'no-cache': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const [command, ...rest] = args.positionals;
  if (args.values.help || command === 'help') {
    out.write(HELP);
    return 0;
  }
  if (!command || rest.length > 0 || !['validate', 'codeowners'].includes(command)) {
    err.write(
      `${command ? `unknown command "${[command, ...rest].join(' ')}"` : 'no command given'}\n\n${HELP}`,
    );
    return 2;
  }
  const format = args.values.format as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) {
    err.write(`--format must be one of: ${OUTPUT_FORMATS.join(', ')}\n`);
    return 2;
  }
  const root = resolve(args.values.root);
  if (command === 'codeowners') return codeowners(root, out, err);
  const { UsageError, validateCatalog } = validation();
  try {
    const result = validateCatalog(root, {
      ...(args.values.base !== undefined && { base: args.values.base }),
      cache: !args.values['no-cache'],
    });
    out.write(
      render(format, result.diagnostics, result.summary, format === 'human' && Boolean(out.isTTY)) +
        '\n',
    );
    return result.errorCount > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function codeowners(
  root: string,
  out: NodeJS.WriteStream | { write(s: string): unknown },
  err: { write(s: string): unknown },
): number {
  const result = loader().loadCatalog(root);
  if (!result.catalog) {
    err.write(
      render('human', result.diagnostics, undefined) +
        '\nfix the catalog first: CODEOWNERS is written from a valid catalog\n',
    );
    return 1;
  }
  const file = join(root, CODEOWNERS_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderCodeowners(result.catalog));
  out.write(`wrote ${CODEOWNERS_FILE} (${result.catalog.domains.length} domains)\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
