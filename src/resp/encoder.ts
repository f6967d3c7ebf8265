import type { Bytes } from '../engine/bytes.js';
import {
  BigNumberReply,
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../engine/reply.js';
import { formatDouble } from './double.js';

export type Protocol = 2 | 3;

/**
 * Serialises a reply to RESP as an engine byte string (latin1), so binary payloads pass
 * through untouched. Callers turn it into a Buffer with Buffer.from(s, 'latin1').
 */
export function encodeReply(reply: Reply, proto: Protocol): Bytes {
  const out: string[] = [];
  write(reply, proto, out);
  return out.join('');
}

function write(r: Reply, proto: Protocol, out: string[]): void {
  if (typeof r === 'string') {
    out.push('$', String(r.length), '\r\n', r, '\r\n');
  } else if (typeof r === 'number' || typeof r === 'bigint') {
    out.push(':', String(r), '\r\n');
  } else if (r === null) {
    out.push(proto === 3 ? '_\r\n' : '$-1\r\n');
  } else if (Array.isArray(r)) {
    out.push('*', String(r.length), '\r\n');
    for (const item of r) write(item, proto, out);
  } else if (r instanceof StatusReply) {
    out.push('+', r.text, '\r\n');
  } else if (r instanceof ErrorReply) {
    out.push('-', r.message, '\r\n');
  } else if (r instanceof NullArrayReply) {
    out.push(proto === 3 ? '_\r\n' : '*-1\r\n');
  } else if (r instanceof DoubleReply) {
    const s = r.text ?? formatDouble(r.value);
    if (proto === 3) out.push(',', s, '\r\n');
    else out.push('$', String(s.length), '\r\n', s, '\r\n');
  } else if (r instanceof MapReply) {
    if (proto === 3) out.push('%', String(r.entries.length), '\r\n');
    else out.push('*', String(r.entries.length * 2), '\r\n');
    for (const [k, v] of r.entries) {
      write(k, proto, out);
      write(v, proto, out);
    }
  } else if (r instanceof SetReply) {
    out.push(proto === 3 ? '~' : '*', String(r.items.length), '\r\n');
    for (const item of r.items) write(item, proto, out);
  } else if (r instanceof BoolReply) {
    if (proto === 3) out.push(r.value ? '#t\r\n' : '#f\r\n');
    else out.push(r.value ? ':1\r\n' : ':0\r\n');
  } else if (r instanceof VerbatimReply) {
    if (proto === 3) {
      const body = r.format + ':' + r.text;
      out.push('=', String(body.length), '\r\n', body, '\r\n');
    } else {
      out.push('$', String(r.text.length), '\r\n', r.text, '\r\n');
    }
  } else if (r instanceof BigNumberReply) {
    if (proto === 3) out.push('(', r.digits, '\r\n');
    else out.push('$', String(r.digits.length), '\r\n', r.digits, '\r\n');
  } else if (r instanceof PushReply) {
    out.push(proto === 3 ? '>' : '*', String(r.items.length), '\r\n');
    for (const item of r.items) write(item, proto, out);
  } else {
    throw new TypeError('not a reply value');
  }
}

/** A command as RESP (array of bulk strings), the form AOFs and pipes carry. */
export function encodeCommand(argv: readonly Bytes[]): Bytes {
  const out: string[] = ['*', String(argv.length), '\r\n'];
  for (const a of argv) out.push('$', String(a.length), '\r\n', a, '\r\n');
  return out.join('');
}
