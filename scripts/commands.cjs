// The project's commands, as package.json's scripts list them: each script of the form
// `node scripts/run.cjs <entry> [fixed arguments]` is a command `bin/streamplane` can run without
// npm. One reader for the launcher and the tests that hold every command to its --help.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node itself */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const LAUNCHER = /^node scripts\/run\.cjs (\S+)((?: [^\s&|;]+)*)$/;

/**
 * Script name → [entry, fixed arguments] for each script in `root`'s package.json that runs
 * through the launcher.
 * @param {string} root
 * @returns {Map<string, [string, string[]]>}
 */
function launcherCommands(root) {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const found = new Map();
  for (const [name, line] of Object.entries(scripts)) {
    const m = LAUNCHER.exec(line);
    if (m) found.set(name, [m[1], (m[2] || '').split(' ').filter(Boolean)]);
  }
  return found;
}

module.exports = { launcherCommands };
