#!/usr/bin/env node
'use strict';
// Runs the compiled CLI; `npm ci` builds it through the `prepare` script.
require('../lib/src/cli/main.js').run(process.argv).then((code) => {
  process.exitCode = code;
});
