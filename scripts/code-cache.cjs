// V8's code cache for the modules one command loads, so that a command compiles its JavaScript
// once, not on every run: node 20 has no `module.enableCompileCache` (node 22 has). The launcher
// (scripts/run.cjs) installs it before running a command; nothing else uses it.
//
// One file per entry point (dist/.cache/<entry>.v8): for each module it holds the SHA-1 of the
// module's text and the code V8 made for it, taken at the end of a run (so it also holds the
// functions that run compiled lazily). A module whose text differs from the one cached is compiled
// from its text, as without the cache; V8 itself refuses code made by another V8 or with other
// flags (the module then compiles from its text too). The file is written again only when a
// module was compiled from its text, with new code for those modules only (making it for every
// module took tens of milliseconds); writing it is atomic, and failing to write (a read-only
// checkout) only costs the next run the same compilation.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node itself */
/* global process, Buffer */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const crypto = require('node:crypto');
const Module = require('node:module');

const MAGIC = 'streamplane-v8-code-cache-1';

/** The cache file's modules: filename → { hash, data }. Empty when missing, unreadable or foreign. */
function read(file) {
  const entries = new Map();
  let blob;
  try {
    blob = fs.readFileSync(file);
  } catch {
    return entries;
  }
  try {
    const headerLength = blob.readUInt32LE(0);
    const header = JSON.parse(blob.toString('utf8', 4, 4 + headerLength));
    if (header.magic !== MAGIC || header.node !== process.version || header.arch !== process.arch)
      return entries;
    let offset = 4 + headerLength;
    for (const [filename, hash, length] of header.modules) {
      entries.set(filename, { hash, data: blob.subarray(offset, offset + length) });
      offset += length;
    }
    if (offset !== blob.length) entries.clear();
  } catch {
    entries.clear();
  }
  return entries;
}

function write(file, entries) {
  const modules = [];
  const data = [];
  for (const [filename, e] of entries) {
    modules.push([filename, e.hash, e.data.length]);
    data.push(e.data);
  }
  const header = Buffer.from(
    JSON.stringify({ magic: MAGIC, node: process.version, arch: process.arch, modules }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([length, header, ...data]));
  fs.renameSync(tmp, file);
}

/** What node's own loader gives a module as `require` (lib/internal/modules/helpers.js). */
function makeRequire(mod) {
  const require = (id) => mod.require(id);
  const resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Compiles every CommonJS module loaded from now on through the cache in `file`. */
function install(file) {
  const cached = read(file);
  /** This run's modules that compiled from their text: filename → { hash, script }. */
  const compiled = new Map();
  const compile = Module.prototype._compile;
  const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  Module.prototype._compile = function (content, filename) {
    if (!filename.endsWith('.js') && !filename.endsWith('.cjs')) {
      return compile.call(this, content, filename);
    }
    const hash = crypto.createHash('sha1').update(content).digest('base64');
    const hit = cached.get(filename);
    // A hashbang is a comment only at the very start of a script: keep the line, drop the `#!`.
    const text = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(text), {
      filename,
      ...(hit && hit.hash === hash ? { cachedData: hit.data } : {}),
      ...(dynamicImport !== undefined ? { importModuleDynamically: dynamicImport } : {}),
    });
    // Only modules compiled from their text get new code at exit: the others keep theirs.
    if (!hit || hit.hash !== hash || script.cachedDataRejected)
      compiled.set(filename, { hash, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const dirname = path.dirname(filename);
    return Reflect.apply(wrapper, this.exports, [
      this.exports,
      makeRequire(this),
      this,
      filename,
      dirname,
    ]);
  };
  process.once('exit', () => {
    if (compiled.size === 0) return;
    // Modules other runs of this entry loaded stay (each is checked against its text when used).
    const entries = new Map(cached);
    for (const [filename, { hash, script }] of compiled) {
      entries.set(filename, { hash, data: script.createCachedData() });
    }
    try {
      write(file, entries);
    } catch {
      // Read-only or full: the next run compiles as this one did.
    }
  });
}

module.exports = { install };
