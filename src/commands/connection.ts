import type { Bytes } from '../engine/bytes.js';
import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, SYNTAX_ERROR, wrongArity } from '../engine/errors.js';
import { parseSafeInt, parseStrictInt } from '../engine/object.js';
import { ErrorReply, MapReply, OK, PONG, SetReply, StatusReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { helpReply, unsubscribeAll } from './pubsub.js';
import type { HandlerMap } from './table.js';

/** The Redis version redscope answers as (HELLO, INFO server, LOLWUT …). One place. */
export const REDIS_VERSION = '7.2.4';

const NOPROTO = new ErrorReply('NOPROTO unsupported protocol version');
const PROTO_NOT_INTEGER = new ErrorReply('ERR Protocol version is not an integer or out of range');
const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');
const BAD_CLIENT_NAME = new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.');
const NO_SUCH_CLIENT = new ErrorReply('ERR No such client');
const INVALID_CLIENT_ID = new ErrorReply('ERR Invalid client ID');
const CLIENT_ID_NOT_POSITIVE = new ErrorReply('ERR client-id should be greater than 0');
const UNBLOCK_REASON = new ErrorReply('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
const UNBLOCKED = new ErrorReply('UNBLOCKED client unblocked via CLIENT UNBLOCK');
const CACHING_WITHOUT_TRACKING = new ErrorReply(
  'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
);
const REPLY_OFF_UNSUPPORTED = new ErrorReply('ERR CLIENT REPLY OFF|SKIP is not supported by the embedded engine');

function clientSyntaxError(sub: Bytes): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try CLIENT HELP.`);
}

/** Per-session flags only CLIENT cares about (kept here, not in the core Session). */
interface ClientExtras {
  noEvict: boolean;
  libName: string;
  libVer: string;
  /** Peer and local address for CLIENT LIST/KILL; empty for in-process sessions. */
  addr: string;
  laddr: string;
}
const extras = new WeakMap<Session, ClientExtras>();
export function extrasOf(s: Session): ClientExtras {
  let e = extras.get(s);
  if (!e) extras.set(s, (e = { noEvict: false, libName: '', libVer: '', addr: '', laddr: '' }));
  return e;
}

/** For front ends that serve sockets: the "ip:port" pair CLIENT LIST shows and CLIENT KILL matches. */
export function setClientAddress(s: Session, addr: string, laddr: string): void {
  const e = extrasOf(s);
  e.addr = addr;
  e.laddr = laddr;
}

/** clientSetName: printable ASCII without spaces; an empty name clears it. */
function setClientName(ctx: Session, name: Bytes): ErrorReply | null {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return BAD_CLIENT_NAME;
  }
  ctx.name = name;
  return null;
}

function helloReply(ctx: Session): Reply {
  return new MapReply([
    ['server', 'redis'],
    ['version', REDIS_VERSION],
    ['proto', ctx.protocol],
    ['id', ctx.id],
    ['mode', 'standalone'],
    ['role', 'master'],
    ['modules', []],
  ]);
}

/** RESET / clearClientConnectionState. */
export function resetSession(ctx: Session): void {
  ctx.select(0);
  ctx.protocol = 2;
  ctx.multi = null;
  ctx.multiError = false;
  ctx.unwatchAll();
  unsubscribeAll(ctx);
  ctx.name = '';
  ctx.noTouch = false;
  extrasOf(ctx).noEvict = false;
  ctx.stopMonitor();
}

/** The flags= field of CLIENT LIST (catClientInfoString order). */
function clientFlags(s: Session): string {
  let f = s.monitor ? 'O' : '';
  if (s.subscriptionCount + s.shardChannels.size > 0) f += 'P';
  if (s.multi || s.inExec) f += 'x';
  if (s.blocked) f += 'b';
  if (s.dirtyCas && s.watched.length) f += 'd';
  if (s.closed) f += 'c';
  if (extrasOf(s).noEvict) f += 'e';
  if (s.noTouch) f += 'T';
  return f || 'N';
}

/** One CLIENT LIST / CLIENT INFO line. In-process sessions have no socket: fd=-1, empty addresses. */
export function clientInfoLine(s: Session, now: number, running?: Session, runningCmd?: string): string {
  const e = extrasOf(s);
  const age = Math.max(0, Math.floor((now - s.createdAt) / 1000));
  const idle = Math.max(0, Math.floor((now - s.lastCommandAt) / 1000));
  return (
    `id=${s.id} addr=${e.addr} laddr=${e.laddr} fd=-1 name=${s.name} age=${age} idle=${idle} flags=${clientFlags(s)} ` +
    `db=${s.dbIndex} sub=${s.channels.size} psub=${s.patterns.size} ssub=${s.shardChannels.size} ` +
    `multi=${s.multi ? s.multi.length : -1} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 ` +
    `obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${s === running ? (s.inExec ? 'exec' : runningCmd) : s.lastCommand || 'NULL'} user=default redir=-1 ` +
    `resp=${s.protocol} lib-name=${e.libName} lib-ver=${e.libVer}\n`
  );
}

function clientType(s: Session): string {
  return s.subscriptionCount + s.shardChannels.size > 0 ? 'pubsub' : 'normal';
}

const CLIENT_TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

function findSession(ctx: Session, id: number): Session | undefined {
  for (const s of ctx.engine.sessions) if (s.id === id) return s;
  return undefined;
}

const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

/** ON|OFF argument of CLIENT NO-EVICT / NO-TOUCH. */
function onOff(arg: Bytes, set: (on: boolean) => void): Reply {
  const v = arg.toLowerCase();
  if (v === 'on') set(true);
  else if (v === 'off') set(false);
  else return SYNTAX_ERROR;
  return OK;
}

export const connectionCommands: HandlerMap = {
  ping(ctx, argv) {
    // The table says arity -1; PING itself refuses more than one argument.
    if (argv.length > 2) return wrongArity('ping');
    // RESP2 subscribed clients get ["pong", msg] (pubsub.c); otherwise +PONG or the bulk message.
    if (ctx.protocol === 2 && ctx.subscriptionCount + ctx.shardChannels.size > 0) {
      return ['pong', argv.length === 2 ? argv[1]! : ''];
    }
    return argv.length === 2 ? argv[1]! : PONG;
  },

  echo(_ctx, argv) {
    return argv[1]!;
  },

  select(ctx, argv) {
    const index = parseSafeInt(argv[1]!);
    if (index === null) return NOT_INTEGER;
    if (index < 0 || index >= ctx.engine.dbs.length) return DB_INDEX_OUT_OF_RANGE;
    ctx.select(index);
    return OK;
  },

  hello(ctx, argv) {
    let ver = 0;
    let i = 1;
    if (argv.length >= 2) {
      const v = parseStrictInt(argv[1]!);
      if (v === null) return PROTO_NOT_INTEGER;
      if (v < 2n || v > 3n) return NOPROTO;
      ver = Number(v);
      i = 2;
    }
    let user: Bytes | null = null;
    let pass: Bytes | null = null;
    let name: Bytes | null = null;
    for (; i < argv.length; i++) {
      const more = argv.length - 1 - i;
      const opt = argv[i]!.toLowerCase();
      if (opt === 'auth' && more >= 2) {
        user = argv[i + 1]!;
        pass = argv[i + 2]!;
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        name = argv[++i]!;
      } else {
        return new ErrorReply(`ERR Syntax error in HELLO option '${argv[i]!}'`);
      }
    }
    if (user !== null && pass !== null) {
      const required = ctx.engine.config.requirepass;
      if (user !== 'default' || (required !== '' && pass !== required)) return WRONGPASS;
    }
    if (name !== null) {
      const e = setClientName(ctx, name);
      if (e) return e;
    }
    if (ver) ctx.protocol = ver as 2 | 3;
    return helloReply(ctx);
  },

  reset(ctx) {
    resetSession(ctx);
    return new StatusReply('RESET');
  },

  quit(ctx) {
    // The front end closes the connection after this reply (session.closed is set).
    ctx.close();
    return OK;
  },

  'client|id': (ctx) => ctx.id,

  'client|getname': (ctx) => (ctx.name === '' ? null : ctx.name),

  'client|setname'(ctx, argv) {
    return setClientName(ctx, argv[2]!) ?? OK;
  },

  'client|info': (ctx) => clientInfoLine(ctx, ctx.engine.mstime(), ctx, 'client|info'),

  'client|list'(ctx, argv) {
    let type: string | null = null;
    let ids: Set<number> | null = null;
    for (let i = 2; i < argv.length; i++) {
      const opt = argv[i]!.toLowerCase();
      if (opt === 'type' && i + 1 < argv.length) {
        type = argv[++i]!.toLowerCase();
        if (!CLIENT_TYPES.has(type)) return new ErrorReply(`ERR Unknown client type '${argv[i]!}'`);
        if (type === 'slave') type = 'replica';
      } else if (opt === 'id' && i + 1 < argv.length) {
        ids = new Set();
        for (i++; i < argv.length; i++) {
          const id = parseStrictInt(argv[i]!);
          if (id === null) return INVALID_CLIENT_ID;
          ids.add(Number(id));
        }
      } else {
        return SYNTAX_ERROR;
      }
    }
    const now = ctx.engine.mstime();
    let out = '';
    const sessions = [...ctx.engine.sessions].sort((a, b) => a.id - b.id);
    for (const s of sessions) {
      if (type !== null && clientType(s) !== type) continue;
      if (ids !== null && !ids.has(s.id)) continue;
      out += clientInfoLine(s, now, ctx, 'client|list');
    }
    return out;
  },

  'client|kill'(ctx, argv) {
    // Old form: CLIENT KILL addr: kills that one client (itself included), or fails.
    if (argv.length === 3) {
      const target = [...ctx.engine.sessions].find((s) => extrasOf(s).addr !== '' && extrasOf(s).addr === argv[2]);
      if (!target) return NO_SUCH_CLIENT;
      target.close();
      return OK;
    }
    if (argv.length % 2 !== 0) return SYNTAX_ERROR;
    let id: number | null = null;
    let type: string | null = null;
    let user: Bytes | null = null;
    let addr: Bytes | null = null;
    let laddr: Bytes | null = null;
    let skipMe = true;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toLowerCase();
      const val = argv[i + 1]!;
      if (opt === 'id') {
        const v = parseStrictInt(val);
        if (v === null || v <= 0n) return CLIENT_ID_NOT_POSITIVE;
        id = Number(v);
      } else if (opt === 'type') {
        type = val.toLowerCase();
        if (!CLIENT_TYPES.has(type)) return new ErrorReply(`ERR Unknown client type '${val}'`);
        if (type === 'slave') type = 'replica';
      } else if (opt === 'addr') {
        addr = val;
      } else if (opt === 'laddr') {
        laddr = val;
      } else if (opt === 'user') {
        user = val;
        if (user !== 'default') return new ErrorReply(`ERR No such user '${val}'`);
      } else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v === 'yes') skipMe = true;
        else if (v === 'no') skipMe = false;
        else return SYNTAX_ERROR;
      } else {
        return SYNTAX_ERROR;
      }
    }
    let killed = 0;
    for (const s of [...ctx.engine.sessions]) {
      if (id !== null && s.id !== id) continue;
      if (type !== null && clientType(s) !== type) continue;
      if (addr !== null && extrasOf(s).addr !== addr) continue;
      if (laddr !== null && extrasOf(s).laddr !== laddr) continue;
      if (s === ctx && skipMe) continue;
      s.close();
      killed++;
    }
    return killed;
  },

  'client|unblock'(ctx, argv) {
    if (argv.length > 4) return clientSyntaxError(argv[1]!);
    let withError = false;
    if (argv.length === 4) {
      const r = argv[3]!.toLowerCase();
      if (r === 'error') withError = true;
      else if (r !== 'timeout') return UNBLOCK_REASON;
    }
    const id = parseStrictInt(argv[2]!);
    if (id === null) return NOT_INTEGER;
    const target = findSession(ctx, Number(id));
    if (!target || !target.blocked) return 0;
    target.unblock(withError ? UNBLOCKED : target.blocked.request.timeoutReply);
    return 1;
  },

  'client|no-evict': (ctx, argv) => onOff(argv[2]!, (on) => (extrasOf(ctx).noEvict = on)),

  'client|no-touch': (ctx, argv) => onOff(argv[2]!, (on) => (ctx.noTouch = on)),

  'client|reply'(_ctx, argv) {
    const v = argv[2]!.toLowerCase();
    if (v === 'on') return OK;
    if (v === 'off' || v === 'skip') return REPLY_OFF_UNSUPPORTED;
    return SYNTAX_ERROR;
  },

  'client|getredir': () => -1,

  // Redis 7.2 (needs a client|setinfo entry in the command table to be reachable).
  'client|setinfo'(ctx, argv) {
    const attr = argv[2]!;
    const val = argv[3]!;
    const which = attr.toLowerCase();
    if (which !== 'lib-name' && which !== 'lib-ver') return new ErrorReply(`ERR Unrecognized option '${attr}'`);
    for (let i = 0; i < val.length; i++) {
      const c = val.charCodeAt(i);
      if (c < 33 || c > 126) return new ErrorReply(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    }
    if (which === 'lib-name') extrasOf(ctx).libName = val;
    else extrasOf(ctx).libVer = val;
    return OK;
  },

  // No client-side caching in process: tracking is always off.
  'client|trackinginfo': () =>
    new MapReply([
      ['flags', new SetReply(['off'])],
      ['redirect', -1],
      ['prefixes', []],
    ]),

  'client|caching': () => CACHING_WITHOUT_TRACKING,

  'client|help': () => helpReply(CLIENT_HELP, 'CLIENT'),
};
