import Table from 'cli-table3';
import { bytesToUtf8, type Bytes } from '../engine/bytes.js';
import path from 'node:path';
import { humanBytes, loadInto, saveTo } from './files.js';
import { biggestKeys, memoryTable, memoryUsage, MEMORY_DEFAULT_N } from './memory.js';
import { peek, PEEK_ELEMENTS } from './peek.js';
import type { Shell } from './shell.js';

/**
 * Meta-commands: words starting with ':' that the shell runs itself, so they never clash
 * with Redis commands. Each one is a data object; `:help` lists them from this table.
 */
export interface MetaCommand {
  name: string;
  usage: string;
  summary: string;
  /** What Tab completes for the first argument. */
  completeArg?: 'key' | 'file' | readonly string[];
  /** A promise when the command finishes later (:load): the shell waits for it. */
  run(shell: Shell, args: readonly Bytes[]): void | Promise<void>;
}

function text(b: Bytes): string {
  return bytesToUtf8(b);
}

export const META_COMMANDS: readonly MetaCommand[] = [
  {
    name: ':help',
    usage: ':help',
    summary: 'this list',
    run(shell) {
      const lines = META_COMMANDS.map((m) => `  ${m.usage.padEnd(22)} ${m.summary}`);
      shell.info(
        'Shell commands:\n' + lines.join('\n') +
          '\nKeys: Tab completes, ↑/↓ history, Ctrl-R searches it, Ctrl-C cancels, Ctrl-D exits.' +
          '\nType "help <command>" or "help @<group>" for Redis commands.',
      );
    },
  },
  {
    name: ':quit',
    usage: ':quit',
    summary: 'leave the shell (Ctrl-D too)',
    run(shell) {
      shell.exit();
    },
  },
  {
    name: ':time',
    usage: ':time on|off',
    summary: 'show how long each command took',
    completeArg: ['on', 'off'],
    run(shell, args) {
      const v = args[0]?.toLowerCase();
      if (args.length !== 1 || (v !== 'on' && v !== 'off')) {
        shell.error('usage: :time on|off');
        return;
      }
      shell.timing = v === 'on';
      shell.info(`timing ${v}`);
    },
  },
  {
    name: ':client',
    usage: ':client new|N|list',
    summary: 'open another client, switch to client N, or list them',
    completeArg: ['new', 'list'],
    run(shell, args) {
      const v = args[0]?.toLowerCase();
      if (args.length !== 1 || v === undefined) {
        shell.error('usage: :client new|N|list');
        return;
      }
      if (v === 'new') {
        const c = shell.newClient();
        shell.switchTo(c.id);
        shell.info(`client ${c.id} opened (now current)`);
      } else if (v === 'list') {
        const t = new Table({
          head: ['', 'client', 'db', 'resp', 'state', 'watching', 'subscriptions'],
          style: { head: [], border: [] },
        });
        for (const c of shell.clients) {
          const s = c.session;
          const state = c.pending ? `blocked (${c.pending.name})` : s.multi ? 'MULTI' : s.subscriptionCount ? 'subscribed' : s.monitor ? 'monitoring' : 'idle';
          t.push([
            c === shell.current ? '*' : '',
            String(c.id),
            String(s.dbIndex),
            String(s.protocol),
            state,
            String(s.watched.length),
            String(s.subscriptionCount + s.shardChannels.size),
          ]);
        }
        shell.info(t.toString());
      } else if (/^\d+$/.test(v)) {
        const id = Number(v);
        if (!shell.switchTo(id)) shell.error(`no client ${id} (see :client list)`);
        else shell.info(`client ${id} is current`);
      } else {
        shell.error('usage: :client new|N|list');
      }
    },
  },
  {
    name: ':peek',
    usage: ':peek KEY',
    summary: 'type, encoding, TTL, length, memory and first elements of a key',
    completeArg: 'key',
    run(shell, args) {
      if (args.length !== 1) {
        shell.error('usage: :peek KEY');
        return;
      }
      const db = shell.current.session.db;
      const out = peek(db, args[0]!, shell.engine.mstime(), PEEK_ELEMENTS, (key, o) => memoryUsage(shell.engine, key, o));
      if (out === null) shell.info(`(no such key: ${text(args[0]!)})`);
      else shell.info(out);
    },
  },
  {
    name: ':load',
    usage: ':load PATH',
    summary: 'load an RDB, an AOF, an appendonlydir or a data dir into this engine',
    completeArg: 'file',
    run(shell, args) {
      if (args.length !== 1) {
        shell.error('usage: :load PATH');
        return;
      }
      const p = text(args[0]!);
      const name = path.basename(path.resolve(p));
      shell.setProgress(`loading ${name} …`);
      return (async () => {
        const t0 = performance.now();
        const r = await loadInto(shell.engine, p, (done, total) => {
          shell.setProgress(progressLine(name, done, total));
        });
        const ms = performance.now() - t0;
        const what = r.kind === 'rdb' ? `${r.keys} keys loaded (RDB)` : `${r.commands} commands replayed (AOF), ${r.keys} new keys`;
        shell.info(`${name}: ${what}; ${r.total} keys in the engine (${(ms / 1000).toFixed(2)}s)`);
        shell.setName(name);
      })();
    },
  },
  {
    name: ':save',
    usage: ':save PATH',
    summary: 'write every database to an RDB file (atomically)',
    completeArg: 'file',
    run(shell, args) {
      if (args.length !== 1) {
        shell.error('usage: :save PATH');
        return;
      }
      const p = text(args[0]!);
      return (async () => {
        let keys = 0;
        for (const db of shell.engine.dbs) keys += db.dict.size;
        const bytes = await saveTo(shell.engine, p);
        shell.info(`saved ${keys} keys to ${p} (${humanBytes(bytes)})`);
      })();
    },
  },
  {
    name: ':memory',
    usage: ':memory [N]',
    summary: `the N biggest keys of this database (default ${MEMORY_DEFAULT_N}), as MEMORY USAGE sizes them`,
    run(shell, args) {
      let n = MEMORY_DEFAULT_N;
      if (args.length > 1 || (args.length === 1 && !/^\d+$/.test(args[0]!))) {
        shell.error('usage: :memory [N]');
        return;
      }
      if (args.length === 1) n = Number(args[0]);
      const db = shell.current.session.db;
      const rows = biggestKeys(shell.engine, db, n, shell.engine.mstime());
      if (rows.length === 0) shell.info('(empty database)');
      else shell.info(memoryTable(rows) + `\n(${rows.length} of ${db.dict.size} keys, db ${db.id})`);
    },
  },
];

const BAR = 30;

/** "loading dump.rdb [#########.........] 31%" */
export function progressLine(name: string, done: number, total: number): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(f * BAR);
  return `loading ${name} [${'#'.repeat(full)}${'.'.repeat(BAR - full)}] ${Math.floor(f * 100)}%`;
}

export function findMeta(name: string): MetaCommand | undefined {
  const n = name.toLowerCase();
  return META_COMMANDS.find((m) => m.name === n);
}
