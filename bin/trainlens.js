#!/usr/bin/env node
// The `trainlens` command: runs the bundled CLI, or explains how to build it in a fresh checkout.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `trainlens: the CLI is not built (${cli} is missing). Run "npm ci && npm run build" in ${path.dirname(__dirname)}.\n`,
  );
  process.exit(2);
}
require(cli);
