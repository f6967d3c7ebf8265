// Child process for the durability test (writer.test.ts): runs the engine (compiled, dist/)
// with appendonly yes + appendfsync always on a directory, then writes as fast as it can and
// acknowledges each write on stdout only after execute() returned, i.e. after the fsync.
import fs from 'node:fs';
import { Engine } from '../../../dist/engine/engine.js';
import { openPersistence } from '../../../dist/persistence/aof/open.js';

const [dir, startArg, rewriteAtArg] = process.argv.slice(2);
let i = Number(startArg);
const rewriteAt = Number(rewriteAtArg);
const engine = new Engine({ timers: false, config: { appendonly: true, appendfsync: 'always' } });
await openPersistence(engine, dir);
const s = engine.createSession();
fs.writeSync(1, `ready ${engine.dbs[0].dict.size}\n`);
function step() {
  for (let n = 0; n < 20; n++, i++) {
    if (i === rewriteAt) s.execute(['BGREWRITEAOF']);
    if (i % 5 === 0) {
      s.execute(['MULTI']);
      s.execute(['SET', `k:${i}`, String(i)]);
      s.execute(['INCR', 'acked']);
      const r = s.execute(['EXEC']);
      if (!Array.isArray(r)) throw new Error('EXEC failed');
    } else {
      s.execute(['SET', `k:${i}`, String(i)]);
      s.execute(['INCR', 'acked']);
    }
    fs.writeSync(1, `${i}\n`);
  }
  setImmediate(step);
}
step();
