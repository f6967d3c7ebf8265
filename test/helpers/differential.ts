import { expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { bytesFromUtf8, type Bytes } from '../../src/engine/bytes.js';
import { ErrorReply, MapReply, type Reply, SetReply } from '../../src/engine/reply.js';
import { Config, CONFIG_PARAMS } from '../../src/engine/config.js';
import type { Session } from '../../src/engine/session.js';
import type { RespClient } from '../../src/resp/client.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import { VERSION_DIFFERENCES } from './differences.js';

export type Arg = string | Buffer;

/** Where a test engine's SAVE / DEBUG RELOAD / AOF files go: never the repository. */
function engineDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-engine-'));
}

function toBytes(a: Arg): Bytes {
  return typeof a === 'string' ? bytesFromUtf8(a) : a.toString('latin1');
}

function show(r: Reply, proto: 2 | 3): string {
  return JSON.stringify(encodeReply(r, proto));
}

/**
 * Sends the same commands to the embedded engine and to a real redis-server and compares
 * the replies byte for byte (RESP), in the manner of miniredis's integration tests.
 * A mismatch is accepted only when VERSION_DIFFERENCES explains it.
 */
export class Differential {
  engine: Engine;
  session: Session;
  client: RespClient;
  proto: 2 | 3 = 2;
  /** Counts commands compared, so a suite can assert it exercised something. */
  compared = 0;

  private constructor(
    readonly real: RealRedis,
    client: RespClient,
  ) {
    this.client = client;
    this.engine = new Engine({ timers: false, config: { dir: engineDir() } });
    this.session = this.engine.createSession();
  }

  static async start(extraArgs: string[] = []): Promise<Differential> {
    const real = await startRealRedis(extraArgs);
    return new Differential(real, await real.client());
  }

  async stop(): Promise<void> {
    this.client.close();
    this.engine.close();
    await this.real.stop();
  }

  /** Fresh state on both sides: empty data, db 0, RESP2, default config. */
  async reset(): Promise<void> {
    this.client.close();
    this.client = await this.real.client();
    await this.client.call('FLUSHALL');
    // Scripts and function libraries survive FLUSHALL on a real server.
    await this.client.call('SCRIPT', 'FLUSH');
    await this.client.call('FUNCTION', 'FLUSH');
    await this.client.call('CONFIG', 'RESETSTAT');
    // CONFIG SET in one test must not leak into the next: put every tunable back to its default.
    const defaults = new Config();
    for (const p of CONFIG_PARAMS) {
      if (p.immutable || !RESET_PARAMS.has(p.name)) continue;
      const v = defaults[p.field];
      await this.client.call('CONFIG', 'SET', p.name, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
    }
    this.engine.close();
    this.engine = new Engine({ timers: false, config: { dir: engineDir() } });
    this.session = this.engine.createSession();
    this.proto = 2;
  }

  /** Runs argv on both; returns [ours, theirs]. */
  async both(...args: Arg[]): Promise<[Reply, Reply]> {
    const argv = args.map(toBytes);
    const theirs = await this.client.call(...argv);
    const ours = await this.session.execute(argv);
    if (argv[0]!.toLowerCase() === 'hello' && !(theirs instanceof ErrorReply) && argv[1] !== undefined) {
      this.proto = argv[1] === '3' ? 3 : 2;
    }
    this.compared++;
    return [ours, theirs];
  }

  /**
   * Runs commands on both sides with notify-keyspace-events KEA and compares the keyspace
   * events each side published, in order.
   */
  async compareEvents(commands: Array<Arg[]>): Promise<void> {
    const sub = await this.real.client();
    await sub.call('PSUBSCRIBE', '__key*__:*');
    await this.do('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const ours: string[] = [];
    const listener = this.engine.createSession();
    listener.onPush = (r) => {
      const arr = r as string[];
      if (arr[0] === 'pmessage') ours.push(`${arr[2]} ${arr[3]}`);
    };
    await listener.execute(['PSUBSCRIBE', '__key*__:*']);
    try {
      for (const c of commands) await this.do(...c);
      const theirs: string[] = [];
      for (;;) {
        let m: unknown;
        try {
          m = await sub.nextPush(150);
        } catch {
          break;
        }
        const arr = m as string[];
        theirs.push(`${arr[2]} ${arr[3]}`);
      }
      expect(ours).toEqual(theirs);
      expect(ours.length).toBeGreaterThan(0);
    } finally {
      listener.close();
      sub.close();
      await this.do('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  }

  /** Exact comparison (RESP bytes). */
  async do(...args: Arg[]): Promise<Reply> {
    const [ours, theirs] = await this.both(...args);
    this.assertSame(args, ours, theirs);
    return ours;
  }

  /** Compares with top-level arrays sorted (for replies whose order Redis leaves unspecified). */
  async doSorted(...args: Arg[]): Promise<Reply> {
    const [ours, theirs] = await this.both(...args);
    this.assertSame(args, sortReply(ours), sortReply(theirs));
    return ours;
  }

  /** Both replies must be errors (messages may differ only if `exact` is false). */
  async error(...args: Arg[]): Promise<Reply> {
    const [ours, theirs] = await this.both(...args);
    if (!(theirs instanceof ErrorReply)) throw new Error(`real redis did not fail: ${args.join(' ')}`);
    this.assertSame(args, ours, theirs);
    return ours;
  }

  /** Compares only the shape: same type, same length for arrays (for random replies). */
  async doShape(...args: Arg[]): Promise<Reply> {
    const [ours, theirs] = await this.both(...args);
    const shape = (r: Reply): string =>
      Array.isArray(r) ? `array(${r.length})` : r === null ? 'null' : r instanceof ErrorReply ? `error(${r.message})` : typeof r;
    if (shape(ours) !== shape(theirs)) {
      throw new Error(`shape differs for ${args.join(' ')}: ours ${shape(ours)} theirs ${shape(theirs)}`);
    }
    return ours;
  }

  /**
   * Runs a script of commands, one per line, words split on spaces (use do() for binary or
   * spaced arguments). Lines starting with '#' are comments; a line prefixed with
   * "sorted " is compared with doSorted.
   */
  async script(text: string): Promise<void> {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('sorted ')) await this.doSorted(...splitWords(line.slice(7)));
      else await this.do(...splitWords(line));
    }
  }

  private assertSame(args: Arg[], ours: Reply, theirs: Reply): void {
    const a = encodeReply(ours, this.proto);
    const b = encodeReply(theirs, this.proto);
    if (a === b) return;
    const argv = args.map(toBytes);
    if (VERSION_DIFFERENCES.some((d) => d.explains(argv, ours, theirs))) return;
    throw new Error(
      `reply differs for: ${args.map((x) => JSON.stringify(String(x))).join(' ')}\n  ours:   ${show(ours, this.proto)}\n  redis:  ${show(theirs, this.proto)}`,
    );
  }
}

/** Splits on whitespace, honouring "double quotes" for arguments with spaces. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** Config parameters tests change; reset() restores them on the real server. */
const RESET_PARAMS = new Set([
  'hash-max-listpack-entries', 'hash-max-listpack-value', 'list-max-listpack-size', 'list-compress-depth',
  'set-max-intset-entries', 'set-max-listpack-entries', 'set-max-listpack-value', 'zset-max-listpack-entries',
  'zset-max-listpack-value', 'stream-node-max-bytes', 'stream-node-max-entries', 'hll-sparse-max-bytes',
  'maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'lfu-log-factor', 'lfu-decay-time',
  'notify-keyspace-events', 'active-expire-effort',
]);

/** Sorts unordered collections: top-level arrays, sets, maps (by key), and SCAN-style [cursor, [items]]. */
function sortReply(r: Reply): Reply {
  if (r instanceof SetReply) return new SetReply(sortItems(r.items));
  if (r instanceof MapReply) {
    return new MapReply([...r.entries].sort((a, b) => cmp(encodeReply(a[0], 2), encodeReply(b[0], 2))));
  }
  if (!Array.isArray(r)) return r;
  if (r.length === 2 && typeof r[0] === 'string' && Array.isArray(r[1])) return [r[0], sortItems(r[1])];
  return sortItems(r);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortItems(r: Reply[]): Reply[] {
  return [...r].sort((x, y) => {
    const a = encodeReply(x, 2);
    const b = encodeReply(y, 2);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
