#!/usr/bin/env node
// How package.json's scripts run a command: compiled, from dist/, never through a TypeScript
// loader at run time.
//
//   node scripts/run.cjs <source.ts> [args…]   runs dist/<source>.js as the main module
//
// `npm ci`/`npm install` build dist/ (the `prepare` script: `tsc -p tsconfig.build.json`, typed).
// A developer who then edits a .ts file must never run stale code, so before each run this compares every source file's time with its
// compiled file's (a few hundred stats, a few milliseconds) and transpiles the ones that are newer
// or missing, one file at a time (tsconfig's isolatedModules guarantees each file compiles alone).
// Types are not checked on that path: `npm run typecheck` (part of `npm test`) and the editor do.
// Then it compiles the command's modules through V8's code cache (scripts/code-cache.cjs; off with
// STREAMPLANE_CODE_CACHE=off).
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node itself */
/* global process */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BUILD_CONFIG = path.join(ROOT, 'tsconfig.build.json');
/**
 * What tsconfig.build.json compiles: its `files` and the folders of its `include` patterns
 * (each "<folder>/ ** /*.ts", without the spaces), read from the one place that lists them; and
 * test/support, whose catalog fixtures the benchmarks import.
 */
function sources() {
  const text = fs.readFileSync(BUILD_CONFIG, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const config = JSON.parse(text);
  const folders = (config.include ?? []).map((p) => p.replace(/\/\*\*\/\*\.ts$/, ''));
  return [...(config.files ?? []), ...folders, 'test/support'];
}

function isSource(name) {
  return name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts');
}

/** Relative paths of the sources whose compiled file is missing or older than they are. */
function staleSources(entry) {
  const stale = [];
  const seen = new Set();
  const check = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    // Plain concatenation: path.join's normalising, done 500 times, was a third of the check.
    const src = fs.statSync(`${ROOT}/${rel}`, { throwIfNoEntry: false });
    if (!src) return;
    const out = fs.statSync(`${DIST}/${rel.slice(0, -3)}.js`, { throwIfNoEntry: false });
    if (!out || out.mtimeMs < src.mtimeMs) stale.push(rel);
  };
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(`${ROOT}/${rel}`, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (isSource(e.name)) check(child);
    }
  };
  for (const s of sources()) {
    if (s.endsWith('.ts')) check(s);
    else walk(s);
  }
  check(entry);
  return stale;
}

function loadTypeScript() {
  try {
    return require('typescript');
  } catch {
    fail(
      'dist/ is missing or older than the sources, and TypeScript (a dev dependency) is not ' +
        'installed to rebuild it: run `npm ci`, then `npm run build`.',
    );
  }
}

/** Transpiles each file alone with the build's compiler options; writes are atomic. */
function transpile(files) {
  const ts = loadTypeScript();
  const parsed = ts.getParsedCommandLineOfConfigFile(
    BUILD_CONFIG,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) =>
        fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  const options = { ...parsed.options, noEmit: false, declaration: false, incremental: false };
  for (const rel of files) {
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const result = ts.transpileModule(source, { compilerOptions: options, fileName: rel });
    const out = path.join(DIST, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, result.outputText);
    fs.renameSync(tmp, out);
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry || !isSource(entry)) fail('usage: node scripts/run.cjs <source.ts> [args…]');
  const rel = path.relative(ROOT, path.resolve(ROOT, entry)).split(path.sep).join('/');
  const stale = staleSources(rel);
  if (stale.length > 0) transpile(stale);
  if (process.env.STREAMPLANE_CODE_CACHE !== 'off') {
    const name = rel.replace(/\.ts$/, '').replace(/\//g, '--');
    require('./code-cache.cjs').install(path.join(DIST, '.cache', `${name}.v8`));
  }
  // Run it as node would run the file itself (require.main is the command's own module).
  process.argv = [process.argv[0], path.join(DIST, rel.replace(/\.ts$/, '.js')), ...args];
  Module.runMain();
}

main();
