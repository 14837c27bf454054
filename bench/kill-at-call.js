// Preloaded with `node -r` by bench/kill-loop.js: SIGKILLs the process at its
// $KILL_AT_CALL-th file-system call that changes something (open, write, sync,
// rename, link, truncate, remove), so kills land on every step of a change,
// not only where a timer happens to fall. $KILL_AT_CALL=0 counts the calls and
// prints the total to stderr at exit instead.
'use strict';
const fs = require('node:fs');
const target = Number(process.env.KILL_AT_CALL || 0);
let calls = 0;
for (const name of ['openSync', 'writeSync', 'writeFileSync', 'fsyncSync', 'fdatasyncSync', 'renameSync', 'linkSync', 'ftruncateSync', 'rmSync', 'unlinkSync', 'appendFileSync']) {
  const real = fs[name];
  fs[name] = function () {
    calls++;
    if (target > 0 && calls === target) process.kill(process.pid, 'SIGKILL');
    return real.apply(this, arguments);
  };
}
if (target === 0) process.on('exit', () => process.stderr.write(`calls=${calls}\n`));
