import type { Bytes } from '../../engine/bytes.js';
import type { RdbKeyInfo, RdbVisitor, StreamConsumer, StreamGroup, StreamId, StreamMeta, StreamPendingEntry } from './types.js';
import type { JsonWriter } from './json-writer.js';
import { collectKeys, type RdbValue } from './value.js';

/**
 * redscope's JSON lines: one object per key, lossless, binary-safe. A key, field, member or
 * value that is valid UTF-8 is a JSON string; anything else is {"base64": "…"}.
 *
 *   {"db":0,"key":"k","type":"string","expireAt":null,"value":"v"}
 *   list / set:  "value": ["a", "b"]
 *   zset:        "value": [["member", 1.5], …]          (scores "inf" / "-inf" as strings)
 *   hash:        "value": [["field", "value"], …]      ([field, value, expireAtMs] with a field TTL)
 *   stream:      "value": {"entries": [{"id": "1-1", "fields": [["f", "v"]]}], "length", "lastId",
 *                "firstId", "maxDeletedId", "entriesAdded", "groups": [{"name", "lastId", "entriesRead",
 *                "pending": [{"id", "deliveryTime", "deliveryCount"}], "consumers": [{"name", "seenTime",
 *                "activeTime", "pending": ["id", …]}]}]}
 *   module:      "value": {"module": "name", "raw": {"base64": "…"}}
 * Optional "idle" (LRU seconds) and "freq" (LFU counter) carry the file's eviction metadata.
 * A function library is a line of its own: {"function": "#!lua name=…"}.
 */

export type JsonBytes = string | { base64: string };

// ignoreBOM: a leading EF BB BF is part of the value (the default decoder would drop it).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function bytesToJson(b: Bytes): JsonBytes {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b;
  const buf = Buffer.from(b, 'latin1');
  try {
    return utf8.decode(buf);
  } catch {
    return { base64: buf.toString('base64') };
  }
}

/** Bytes that stop a string from being quoted as it is: controls, '"', '\\', non-ASCII. */
const SPECIAL = /[\u0000-\u001f"\\\u0080-\u00ff]/;
const NON_ASCII = /[\u0080-\u00ff]/;

/** JSON text of a byte string as bytesToJson would serialise it, without building objects. */
export function bytesToJsonText(b: Bytes): string {
  // The usual key or value is plain ASCII with nothing to escape: quoted as it is.
  if (!SPECIAL.test(b)) return '"' + b + '"';
  return JSON.stringify(NON_ASCII.test(b) ? bytesToJson(b) : b);
}

/** valueToJson's JSON text, built directly for the common types (the dump's hot path). */
export function valueToJsonText(v: RdbValue): string {
  switch (v.type) {
    case 'string':
      return bytesToJsonText(v.value);
    case 'list':
      return '[' + v.items.map(bytesToJsonText).join(',') + ']';
    case 'set':
      return '[' + v.members.map(bytesToJsonText).join(',') + ']';
    case 'zset':
      return '[' + v.entries.map(([m, sc]) => `[${bytesToJsonText(m)},${JSON.stringify(scoreJson(sc))}]`).join(',') + ']';
    case 'hash':
      return (
        '[' +
        v.entries
          .map(([f, val, ttl]) => `[${bytesToJsonText(f)},${bytesToJsonText(val)}${ttl === null ? '' : `,${ttl}`}]`)
          .join(',') +
        ']'
      );
    default:
      return JSON.stringify(valueToJson(v));
  }
}

export function bytesFromJson(j: unknown, where: string): Bytes {
  if (typeof j === 'string') {
    for (let i = 0; i < j.length; i++) {
      if (j.charCodeAt(i) > 0x7f) return Buffer.from(j, 'utf8').toString('latin1');
    }
    return j;
  }
  if (j && typeof j === 'object' && typeof (j as { base64?: unknown }).base64 === 'string') {
    return Buffer.from((j as { base64: string }).base64, 'base64').toString('latin1');
  }
  throw new Error(`${where}: expected a string or {"base64": …}`);
}

const idText = (id: StreamId) => `${id.ms}-${id.seq}`;
function idFromText(s: unknown, where: string): StreamId {
  const m = typeof s === 'string' ? /^(\d+)-(\d+)$/.exec(s) : null;
  if (!m) throw new Error(`${where}: expected a stream ID "ms-seq"`);
  return { ms: BigInt(m[1]!), seq: BigInt(m[2]!) };
}
const big = (n: bigint) => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());
const bigFrom = (x: unknown, where: string): bigint => {
  if (typeof x === 'number' || typeof x === 'string') return BigInt(x);
  throw new Error(`${where}: expected a number`);
};
const scoreJson = (s: number) => (s === Infinity ? 'inf' : s === -Infinity ? '-inf' : s);
function scoreFrom(x: unknown, where: string): number {
  if (typeof x === 'number') return x;
  if (x === 'inf' || x === '+inf') return Infinity;
  if (x === '-inf') return -Infinity;
  throw new Error(`${where}: expected a score`);
}

export function valueToJson(v: RdbValue): unknown {
  switch (v.type) {
    case 'string':
      return bytesToJson(v.value);
    case 'list':
      return v.items.map(bytesToJson);
    case 'set':
      return v.members.map(bytesToJson);
    case 'zset':
      return v.entries.map(([m, s]) => [bytesToJson(m), scoreJson(s)]);
    case 'hash':
      return v.entries.map(([f, val, ttl]) => (ttl === null ? [bytesToJson(f), bytesToJson(val)] : [bytesToJson(f), bytesToJson(val), ttl]));
    case 'stream': {
      const m = v.meta;
      return {
        entries: v.entries.map((e) => {
          const fields: JsonBytes[][] = [];
          for (let i = 0; i < e.fields.length; i += 2) fields.push([bytesToJson(e.fields[i]!), bytesToJson(e.fields[i + 1]!)]);
          return { id: idText(e.id), fields };
        }),
        length: big(m.length),
        lastId: idText(m.lastId),
        firstId: m.firstId ? idText(m.firstId) : null,
        maxDeletedId: m.maxDeletedId ? idText(m.maxDeletedId) : null,
        entriesAdded: m.entriesAdded === null ? null : big(m.entriesAdded),
        groups: m.groups.map((g) => ({
          name: bytesToJson(g.name),
          lastId: idText(g.lastId),
          entriesRead: g.entriesRead === null ? null : big(g.entriesRead),
          pending: g.pending.map((p) => ({ id: idText(p.id), deliveryTime: p.deliveryTime, deliveryCount: p.deliveryCount })),
          consumers: g.consumers.map((c) => ({
            name: bytesToJson(c.name),
            seenTime: c.seenTime,
            activeTime: c.activeTime,
            pending: c.pending.map(idText),
          })),
        })),
      };
    }
    case 'module':
      return { module: v.moduleName, raw: { base64: v.raw.toString('base64') } };
  }
}

function arr(x: unknown, where: string): unknown[] {
  if (!Array.isArray(x)) throw new Error(`${where}: expected an array`);
  return x;
}

function obj(x: unknown, where: string): Record<string, unknown> {
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw new Error(`${where}: expected an object`);
  return x as Record<string, unknown>;
}

export function valueFromJson(type: string, j: unknown, where: string): RdbValue {
  switch (type) {
    case 'string':
      return { type, value: bytesFromJson(j, `${where}.value`) };
    case 'list':
      return { type, items: arr(j, `${where}.value`).map((x, i) => bytesFromJson(x, `${where}.value[${i}]`)) };
    case 'set':
      return { type, members: arr(j, `${where}.value`).map((x, i) => bytesFromJson(x, `${where}.value[${i}]`)) };
    case 'zset':
      return {
        type,
        entries: arr(j, `${where}.value`).map((p, i) => {
          const pair = arr(p, `${where}.value[${i}]`);
          return [bytesFromJson(pair[0], `${where}.value[${i}][0]`), scoreFrom(pair[1], `${where}.value[${i}][1]`)];
        }),
      };
    case 'hash':
      return {
        type,
        entries: arr(j, `${where}.value`).map((p, i) => {
          const t = arr(p, `${where}.value[${i}]`);
          const ttl = t[2];
          if (ttl !== undefined && typeof ttl !== 'number') throw new Error(`${where}.value[${i}][2]: expected a time in ms`);
          return [bytesFromJson(t[0], `${where}.value[${i}][0]`), bytesFromJson(t[1], `${where}.value[${i}][1]`), ttl ?? null] as [
            Bytes, Bytes, number | null,
          ];
        }),
      };
    case 'stream': {
      const o = obj(j, `${where}.value`);
      const entries = arr(o['entries'], `${where}.value.entries`).map((e, i) => {
        const eo = obj(e, `${where}.value.entries[${i}]`);
        const fields: Bytes[] = [];
        for (const [k, p] of arr(eo['fields'], `${where}.value.entries[${i}].fields`).entries()) {
          const pair = arr(p, `${where}.value.entries[${i}].fields[${k}]`);
          fields.push(bytesFromJson(pair[0], `${where}.field`), bytesFromJson(pair[1], `${where}.field`));
        }
        return { id: idFromText(eo['id'], `${where}.value.entries[${i}].id`), fields };
      });
      const groups: StreamGroup[] = arr(o['groups'] ?? [], `${where}.value.groups`).map((g, gi) => {
        const go = obj(g, `${where}.value.groups[${gi}]`);
        const pending: StreamPendingEntry[] = arr(go['pending'] ?? [], `${where}.pending`).map((p) => {
          const po = obj(p, `${where}.pending`);
          return { id: idFromText(po['id'], `${where}.pending.id`), deliveryTime: Number(po['deliveryTime']), deliveryCount: Number(po['deliveryCount']) };
        });
        const consumers: StreamConsumer[] = arr(go['consumers'] ?? [], `${where}.consumers`).map((c) => {
          const co = obj(c, `${where}.consumers`);
          return {
            name: bytesFromJson(co['name'], `${where}.consumers.name`),
            seenTime: Number(co['seenTime']),
            activeTime: co['activeTime'] === null || co['activeTime'] === undefined ? null : Number(co['activeTime']),
            pending: arr(co['pending'] ?? [], `${where}.consumers.pending`).map((id) => idFromText(id, `${where}.consumers.pending`)),
          };
        });
        return {
          name: bytesFromJson(go['name'], `${where}.groups.name`),
          lastId: idFromText(go['lastId'], `${where}.groups.lastId`),
          entriesRead: go['entriesRead'] === null || go['entriesRead'] === undefined ? null : bigFrom(go['entriesRead'], `${where}.entriesRead`),
          pending,
          consumers,
        };
      });
      const lastId = o['lastId'] ? idFromText(o['lastId'], `${where}.value.lastId`) : (entries.at(-1)?.id ?? { ms: 0n, seq: 0n });
      const meta: StreamMeta = {
        length: o['length'] === undefined ? BigInt(entries.length) : bigFrom(o['length'], `${where}.value.length`),
        lastId,
        firstId: o['firstId'] ? idFromText(o['firstId'], `${where}.value.firstId`) : null,
        maxDeletedId: o['maxDeletedId'] ? idFromText(o['maxDeletedId'], `${where}.value.maxDeletedId`) : null,
        entriesAdded: o['entriesAdded'] === null || o['entriesAdded'] === undefined ? null : bigFrom(o['entriesAdded'], `${where}.value.entriesAdded`),
        groups,
      };
      return { type, entries, meta };
    }
    case 'module': {
      const o = obj(j, `${where}.value`);
      return { type, moduleName: String(o['module']), raw: Buffer.from(bytesFromJson(o['raw'], `${where}.value.raw`), 'latin1') };
    }
    default:
      throw new Error(`${where}: unknown type ${JSON.stringify(type)}`);
  }
}

/** How a dump frames each key's JSON object: before it starts, and after its closing brace. */
export interface JsonLineFraming {
  open(w: JsonWriter): void;
  close(w: JsonWriter): void;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const VALUE_HEAD = ascii(',"value":');
const VALUE_OPEN = ascii(',"value":[');
const IDLE_HEAD = ascii(',"idle":');
const FREQ_HEAD = ascii(',"freq":');
const LIST_END = ascii(']}');
/** '{"db":N,"key":' for each database number seen. */
const dbHeads: Uint8Array[] = [];
const dbHead = (db: number) => (dbHeads[db] ??= ascii(`{"db":${db},"key":`));
/**
 * What follows the key, per type: ',"type":"<type>","expireAt":' and, for a key without a TTL,
 * the same with 'null,"value":' (and '[' when the value is an array written element by element).
 */
interface TypeHead {
  expireAt: Uint8Array;
  noExpire: Uint8Array;
}
const typeHeads = new Map<string, TypeHead>();
const typeHead = (type: string) => {
  let h = typeHeads.get(type);
  if (!h) {
    const expireAt = `,"type":${JSON.stringify(type)},"expireAt":`;
    const open = type === 'string' || type === 'stream' || type === 'module' ? '' : '[';
    typeHeads.set(type, (h = { expireAt: ascii(expireAt), noExpire: ascii(`${expireAt}null,"value":${open}`) }));
  }
  return h;
};
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * A reader visitor that writes redscope's JSON lines as the elements stream by, one line per
 * key, straight into `w` as bytes (the dump's fast path): no string is built for a value or a
 * line. Streams and module values, which are rare and structured, go through collectKeys and
 * valueToJson. A line is committed (w.endLine) only once its key is complete. Works with the
 * reader's lazyKeys (the key's bytes are copied without a string; `accept` calls keyName when
 * it needs the name).
 */
export function jsonLinesVisitor(w: JsonWriter, accept: (info: RdbKeyInfo) => boolean, framing: JsonLineFraming): RdbVisitor {
  let n = 0;
  let skip = false;
  let collecting = false;
  const end = (info: RdbKeyInfo) => {
    if (info.idle !== null) {
      w.raw(IDLE_HEAD);
      w.number(info.idle);
    }
    if (info.freq !== null) {
      w.raw(FREQ_HEAD);
      w.number(info.freq);
    }
    w.byte(0x7d);
    framing.close(w);
    w.endLine();
  };
  const score = (sc: number) => {
    if (Number.isFinite(sc)) w.number(sc);
    else w.ascii(JSON.stringify(scoreJson(sc)));
  };
  const collector = collectKeys(({ info, value }) => {
    w.text(JSON.stringify(valueToJson(value)));
    end(info);
  });
  return {
    onKey(info) {
      skip = !accept(info);
      collecting = !skip && (info.type === 'stream' || info.type === 'module');
      if (skip) return;
      // A line left unfinished by a key that failed is never handed out.
      w.discardLine();
      framing.open(w);
      w.raw(dbHead(info.db));
      // With the reader's lazyKeys, a plain key is still only bytes in the reader's window.
      const src = info.keySource;
      if (src) w.bytesOf(src, info.keyStart!, info.keyStart! + info.keyLength!);
      else w.bytes(info.key);
      n = 0;
      const head = typeHead(info.type);
      if (info.expireAt === null) w.raw(head.noExpire);
      else {
        w.raw(head.expireAt);
        w.number(info.expireAt);
        w.raw(collecting || info.type === 'string' ? VALUE_HEAD : VALUE_OPEN);
      }
      if (collecting) collector.onKey!(info);
    },
    onString(v) {
      if (!skip) w.bytes(v);
    },
    onStringBytes(buf, start, end) {
      if (!skip) w.bytesOf(buf, start, end);
    },
    onListItem(v) {
      if (!skip) w.bytes(v, n++ ? COMMA : 0);
    },
    onSetMember(m) {
      if (!skip) w.bytes(m, n++ ? COMMA : 0);
    },
    onZsetMember(m, sc) {
      if (skip) return;
      if (n++) w.byte(COMMA);
      w.bytes(m, OPEN);
      w.byte(COMMA);
      score(sc);
      w.byte(CLOSE);
    },
    onHashField(f, v, ttl) {
      if (skip) return;
      if (n++) w.byte(COMMA);
      w.bytes(f, OPEN);
      w.bytes(v, COMMA);
      if (ttl !== null) {
        w.byte(COMMA);
        w.number(ttl);
      }
      w.byte(CLOSE);
    },
    // The same elements as bytes, where the reader has them (no string built per element).
    onListItemBytes(buf, start, stop, text) {
      if (skip) return;
      if (text !== null) w.bytes(text, n++ ? COMMA : 0);
      else {
        if (n++) w.byte(COMMA);
        w.bytesOf(buf, start, stop);
      }
    },
    onSetMemberBytes(buf, start, stop, text) {
      if (skip) return;
      if (text !== null) w.bytes(text, n++ ? COMMA : 0);
      else {
        if (n++) w.byte(COMMA);
        w.bytesOf(buf, start, stop);
      }
    },
    onZsetMemberBytes(buf, start, stop, text, sc) {
      if (skip) return;
      if (n++) w.byte(COMMA);
      w.byte(OPEN);
      if (text !== null) w.bytes(text);
      else w.bytesOf(buf, start, stop);
      w.byte(COMMA);
      score(sc);
      w.byte(CLOSE);
    },
    onHashFieldBytes(fb, fs, fe, ft, vb, vs, ve, vt, ttl) {
      if (skip) return;
      if (n++) w.byte(COMMA);
      w.byte(OPEN);
      if (ft !== null) w.bytes(ft);
      else w.bytesOf(fb, fs, fe);
      w.byte(COMMA);
      if (vt !== null) w.bytes(vt);
      else w.bytesOf(vb, vs, ve);
      if (ttl !== null) {
        w.byte(COMMA);
        w.number(ttl);
      }
      w.byte(CLOSE);
    },
    onStreamEntry(id, fields) {
      if (collecting) collector.onStreamEntry!(id, fields);
    },
    onStreamNode(master, bytes) {
      if (collecting) collector.onStreamNode!(master, bytes);
    },
    onStreamMeta(meta) {
      if (collecting) collector.onStreamMeta!(meta);
    },
    onModuleValue(name, raw) {
      if (collecting) collector.onModuleValue!(name, raw);
    },
    onKeyEnd(info) {
      if (skip) return;
      if (collecting) {
        collector.onKeyEnd!(info);
        return;
      }
      if (info.type !== 'string' && info.idle === null && info.freq === null) {
        // The usual end of a collection: ']}' at once.
        w.raw(LIST_END);
        framing.close(w);
        w.endLine();
        return;
      }
      if (info.type !== 'string') w.byte(CLOSE);
      end(info);
    },
  };
}
