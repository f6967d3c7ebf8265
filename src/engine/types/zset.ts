import type { Bytes } from '../bytes.js';
import type { Config } from '../config.js';
import type { RedisObject } from '../object.js';
import {
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  scoreRangeEmpty,
  SkipList,
  type LexRange,
  type ScoreRange,
  type SkipNode,
  valueGteMin,
  valueLteMax,
} from '../../datastruct/skiplist.js';

export type ZSetEncoding = 'listpack' | 'skiplist';

/** zsetAdd input flags. */
export const ZADD_IN_INCR = 1;
export const ZADD_IN_NX = 2;
export const ZADD_IN_XX = 4;
export const ZADD_IN_GT = 8;
export const ZADD_IN_LT = 16;
/** zsetAdd output flags. */
export const ZADD_OUT_NOP = 1;
export const ZADD_OUT_NAN = 2;
export const ZADD_OUT_ADDED = 4;
export const ZADD_OUT_UPDATED = 8;

/** Emits one element of a range: member and score. */
export type ZEmit = (member: Bytes, score: number) => void;

/**
 * A sorted set (t_zset.c). Two encodings as in Redis:
 *  - 'listpack': a small array sorted by (score, member) — parallel arrays here;
 *  - 'skiplist': a real zskiplist plus a Map member → score.
 * The listpack converts to a skiplist when it grows past zset-max-listpack-entries or gets a
 * member longer than zset-max-listpack-value; it never converts back on deletes.
 */
export class ZSetObject implements RedisObject {
  readonly type = 'zset' as const;
  lru = 0;
  encoding: ZSetEncoding;
  // listpack encoding
  private lpMembers: Bytes[] = [];
  private lpScores: number[] = [];
  // skiplist encoding
  private zsl: SkipList | null = null;
  private dict: Map<Bytes, number> | null = null;
  /** zsetAdd's *newscore output. */
  newScore = 0;

  constructor(encoding: ZSetEncoding = 'listpack') {
    this.encoding = encoding;
    if (encoding === 'skiplist') {
      this.zsl = new SkipList();
      this.dict = new Map();
    }
  }

  /** zsetTypeCreate: the encoding from a size hint and a value length hint. */
  static create(config: Config, sizeHint: number, valLenHint: number): ZSetObject {
    if (sizeHint <= config.zsetMaxListpackEntries && valLenHint <= config.zsetMaxListpackValue) {
      return new ZSetObject('listpack');
    }
    return new ZSetObject('skiplist');
  }

  /**
   * Builds a zset as Redis's RDB loader does for a generic sorted set: a skiplist, converted
   * to a listpack when the count and the longest member are within the listpack limits.
   */
  static fromEntries(config: Config, entries: Iterable<[Bytes, number]>): ZSetObject {
    const z = new ZSetObject('skiplist');
    let maxlen = 0;
    for (const [m, s] of entries) {
      if (z.dict!.has(m)) continue;
      z.zsl!.insert(s, m);
      z.dict!.set(m, s);
      if (m.length > maxlen) maxlen = m.length;
    }
    z.convertToListpackIfNeeded(config, maxlen);
    return z;
  }

  /**
   * Builds a zset from an RDB listpack (or ziplist) encoded value as the 7.2 loader does: it
   * stays a listpack unless it has more than zset-max-listpack-entries elements (member
   * lengths are not re-checked). `entries` must already be in listpack (sorted) order.
   */
  static fromListpackEntries(config: Config, entries: Iterable<[Bytes, number]>): ZSetObject {
    const z = new ZSetObject('listpack');
    for (const [m, s] of entries) {
      z.lpMembers.push(m);
      z.lpScores.push(s === 0 ? 0 : s);
    }
    if (z.lpMembers.length > config.zsetMaxListpackEntries) z.convertToSkiplist();
    return z;
  }

  get size(): number {
    return this.encoding === 'listpack' ? this.lpMembers.length : this.zsl!.length;
  }

  score(member: Bytes): number | undefined {
    if (this.encoding === 'listpack') {
      const i = this.lpMembers.indexOf(member);
      return i < 0 ? undefined : this.lpScores[i];
    }
    return this.dict!.get(member);
  }

  /** Ascending by score then member. */
  *entries(): Generator<[Bytes, number]> {
    if (this.encoding === 'listpack') {
      const m = this.lpMembers;
      const s = this.lpScores;
      for (let i = 0; i < m.length; i++) yield [m[i]!, s[i]!];
    } else {
      for (let n = this.zsl!.first; n !== null; n = n.forward[0]!) yield [n.member, n.score];
    }
  }

  /** Descending (zuiInitIterator walks sorted sets from the tail). */
  *reverseEntries(): Generator<[Bytes, number]> {
    if (this.encoding === 'listpack') {
      const m = this.lpMembers;
      const s = this.lpScores;
      for (let i = m.length - 1; i >= 0; i--) yield [m[i]!, s[i]!];
    } else {
      for (let n = this.zsl!.tail; n !== null; n = n.backward) yield [n.member, n.score];
    }
  }

  clone(): ZSetObject {
    const z = new ZSetObject(this.encoding);
    if (this.encoding === 'listpack') {
      z.lpMembers = this.lpMembers.slice();
      z.lpScores = this.lpScores.slice();
    } else {
      for (let n = this.zsl!.tail; n !== null; n = n.backward) {
        z.zsl!.insert(n.score, n.member);
        z.dict!.set(n.member, n.score);
      }
    }
    return z;
  }

  // --- encoding conversion -------------------------------------------------------------

  /** zsetConvert(…, SKIPLIST). */
  convertToSkiplist(): void {
    if (this.encoding === 'skiplist') return;
    const zsl = new SkipList();
    const dict = new Map<Bytes, number>();
    const m = this.lpMembers;
    const s = this.lpScores;
    for (let i = m.length - 1; i >= 0; i--) {
      zsl.insert(s[i]!, m[i]!);
      dict.set(m[i]!, s[i]!);
    }
    this.zsl = zsl;
    this.dict = dict;
    this.lpMembers = [];
    this.lpScores = [];
    this.encoding = 'skiplist';
  }

  /** zsetConvert(…, LISTPACK). */
  convertToListpack(): void {
    if (this.encoding === 'listpack') return;
    const m: Bytes[] = [];
    const s: number[] = [];
    for (let n = this.zsl!.first; n !== null; n = n.forward[0]!) {
      m.push(n.member);
      s.push(n.score);
    }
    this.lpMembers = m;
    this.lpScores = s;
    this.zsl = null;
    this.dict = null;
    this.encoding = 'listpack';
  }

  /** zsetConvertToListpackIfNeeded (after *STORE operations). */
  convertToListpackIfNeeded(config: Config, maxelelen: number): void {
    if (this.encoding === 'listpack') return;
    if (this.zsl!.length <= config.zsetMaxListpackEntries && maxelelen <= config.zsetMaxListpackValue) {
      this.convertToListpack();
    }
  }

  /** zsetTypeMaybeConvert: ZADD with more pairs than the listpack limit converts at once. */
  maybeConvert(config: Config, sizeHint: number): void {
    if (this.encoding === 'listpack' && sizeHint > config.zsetMaxListpackEntries) this.convertToSkiplist();
  }

  // --- listpack helpers ----------------------------------------------------------------

  /** Index where (score, member) goes in the sorted arrays. */
  private lpInsertPos(score: number, member: Bytes): number {
    const s = this.lpScores;
    const m = this.lpMembers;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ms = s[mid]!;
      if (ms < score || (ms === score && m[mid]! < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lpInsert(score: number, member: Bytes): void {
    // The listpack stores the score as text and "-0" is read back as the integer 0.
    if (score === 0) score = 0;
    const i = this.lpInsertPos(score, member);
    if (i === this.lpMembers.length) {
      this.lpMembers.push(member);
      this.lpScores.push(score);
    } else {
      this.lpMembers.splice(i, 0, member);
      this.lpScores.splice(i, 0, score);
    }
  }

  private lpDeleteAt(i: number): void {
    if (i === this.lpMembers.length - 1) {
      this.lpMembers.pop();
      this.lpScores.pop();
    } else {
      this.lpMembers.splice(i, 1);
      this.lpScores.splice(i, 1);
    }
  }

  // --- writes ----------------------------------------------------------------------------

  /**
   * zsetAdd: returns ZADD_OUT_* flags; the resulting score is left in `newScore`.
   * ZADD_OUT_NAN means the command must fail with the NaN error.
   */
  add(config: Config, score: number, member: Bytes, flags: number): number {
    if (Number.isNaN(score)) return ZADD_OUT_NAN;
    const incr = (flags & ZADD_IN_INCR) !== 0;
    const nx = (flags & ZADD_IN_NX) !== 0;
    const xx = (flags & ZADD_IN_XX) !== 0;
    const gt = (flags & ZADD_IN_GT) !== 0;
    const lt = (flags & ZADD_IN_LT) !== 0;
    if (this.encoding === 'listpack') {
      const i = this.lpMembers.indexOf(member);
      if (i >= 0) {
        if (nx) return ZADD_OUT_NOP;
        const cur = this.lpScores[i]!;
        if (incr) {
          score += cur;
          if (Number.isNaN(score)) return ZADD_OUT_NAN;
        }
        if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
        this.newScore = score;
        if (score !== cur) {
          this.lpDeleteAt(i);
          this.lpInsert(score, member);
          return ZADD_OUT_UPDATED;
        }
        return 0;
      }
      if (xx) return ZADD_OUT_NOP;
      if (this.lpMembers.length + 1 > config.zsetMaxListpackEntries || member.length > config.zsetMaxListpackValue) {
        this.convertToSkiplist();
      } else {
        this.lpInsert(score, member);
        this.newScore = score;
        return ZADD_OUT_ADDED;
      }
    }
    const dict = this.dict!;
    const cur = dict.get(member);
    if (cur !== undefined) {
      if (nx) return ZADD_OUT_NOP;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) return ZADD_OUT_NAN;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) return ZADD_OUT_NOP;
      this.newScore = score;
      if (score !== cur) {
        this.zsl!.updateScore(cur, member, score);
        dict.set(member, score);
        return ZADD_OUT_UPDATED;
      }
      return 0;
    }
    if (xx) return ZADD_OUT_NOP;
    this.zsl!.insert(score, member);
    dict.set(member, score);
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /** zsetDel. */
  delete(member: Bytes): boolean {
    if (this.encoding === 'listpack') {
      const i = this.lpMembers.indexOf(member);
      if (i < 0) return false;
      this.lpDeleteAt(i);
      return true;
    }
    const s = this.dict!.get(member);
    if (s === undefined) return false;
    this.dict!.delete(member);
    this.zsl!.delete(s, member);
    return true;
  }

  // --- rank / range reads ----------------------------------------------------------------

  /** zsetRank: 0-based rank, -1 when absent. */
  rank(member: Bytes, reverse: boolean): number {
    const len = this.size;
    if (this.encoding === 'listpack') {
      const i = this.lpMembers.indexOf(member);
      if (i < 0) return -1;
      return reverse ? len - 1 - i : i;
    }
    const s = this.dict!.get(member);
    if (s === undefined) return -1;
    const r = this.zsl!.getRank(s, member);
    return reverse ? len - r : r - 1;
  }

  /** Elements with 0-based ranks start..end (already clamped), in ascending or descending order. */
  rangeByRank(start: number, end: number, reverse: boolean, emit: ZEmit): void {
    let n = end - start + 1;
    if (n <= 0) return;
    if (this.encoding === 'listpack') {
      const m = this.lpMembers;
      const s = this.lpScores;
      const len = m.length;
      if (reverse) for (let i = len - 1 - start; n > 0; i--, n--) emit(m[i]!, s[i]!);
      else for (let i = start; n > 0; i++, n--) emit(m[i]!, s[i]!);
      return;
    }
    const zsl = this.zsl!;
    let ln: SkipNode | null;
    if (reverse) {
      ln = start > 0 ? zsl.getElementByRank(zsl.length - start) : zsl.tail;
      for (; n > 0 && ln !== null; n--, ln = ln.backward) emit(ln.member, ln.score);
    } else {
      ln = start > 0 ? zsl.getElementByRank(start + 1) : zsl.first;
      for (; n > 0 && ln !== null; n--, ln = ln.forward[0]!) emit(ln.member, ln.score);
    }
  }

  /** Index of the first listpack element with score in range, or -1. */
  private lpFirstInRange(r: ScoreRange): number {
    if (scoreRangeEmpty(r)) return -1;
    const s = this.lpScores;
    for (let i = 0; i < s.length; i++) {
      if (valueGteMin(s[i]!, r)) return valueLteMax(s[i]!, r) ? i : -1;
    }
    return -1;
  }

  private lpLastInRange(r: ScoreRange): number {
    if (scoreRangeEmpty(r)) return -1;
    const s = this.lpScores;
    for (let i = s.length - 1; i >= 0; i--) {
      if (valueLteMax(s[i]!, r)) return valueGteMin(s[i]!, r) ? i : -1;
    }
    return -1;
  }

  /** zzlLexIsInRange: the range is not empty and overlaps [first member, last member]. */
  private lpIsInLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const m = this.lpMembers;
    if (m.length === 0) return false;
    return lexGteMin(m[m.length - 1]!, r) && lexLteMax(m[0]!, r);
  }

  private lpFirstInLex(r: LexRange): number {
    if (!this.lpIsInLexRange(r)) return -1;
    const m = this.lpMembers;
    for (let i = 0; i < m.length; i++) {
      if (lexGteMin(m[i]!, r)) return lexLteMax(m[i]!, r) ? i : -1;
    }
    return -1;
  }

  private lpLastInLex(r: LexRange): number {
    if (!this.lpIsInLexRange(r)) return -1;
    const m = this.lpMembers;
    for (let i = m.length - 1; i >= 0; i--) {
      if (lexLteMax(m[i]!, r)) return lexGteMin(m[i]!, r) ? i : -1;
    }
    return -1;
  }

  /** genericZrangebyscoreCommand: offset skips, limit < 0 means unlimited. Returns the count. */
  rangeByScore(r: ScoreRange, offset: number, limit: number, reverse: boolean, emit: ZEmit): number {
    let count = 0;
    // Redis walks `offset` elements first: a negative offset walks off the end.
    if (offset < 0 || (offset > 0 && offset >= this.size)) return 0;
    if (this.encoding === 'listpack') {
      const m = this.lpMembers;
      const s = this.lpScores;
      let i = reverse ? this.lpLastInRange(r) : this.lpFirstInRange(r);
      if (i < 0) return 0;
      i = reverse ? i - offset : i + offset;
      while (i >= 0 && i < m.length && limit-- !== 0) {
        const sc = s[i]!;
        if (reverse ? !valueGteMin(sc, r) : !valueLteMax(sc, r)) break;
        emit(m[i]!, sc);
        count++;
        i = reverse ? i - 1 : i + 1;
      }
      return count;
    }
    const zsl = this.zsl!;
    let ln = reverse ? zsl.lastInRange(r) : zsl.firstInRange(r);
    if (ln !== null && offset > 0) {
      const rank = zsl.getRank(ln.score, ln.member);
      const target = reverse ? rank - offset : rank + offset;
      ln = target >= 1 && target <= zsl.length ? zsl.getElementByRank(target) : null;
    }
    while (ln !== null && limit-- !== 0) {
      if (reverse ? !valueGteMin(ln.score, r) : !valueLteMax(ln.score, r)) break;
      emit(ln.member, ln.score);
      count++;
      ln = reverse ? ln.backward : ln.forward[0]!;
    }
    return count;
  }

  /** genericZrangebylexCommand. */
  rangeByLex(r: LexRange, offset: number, limit: number, reverse: boolean, emit: ZEmit): number {
    let count = 0;
    if (offset < 0) return 0;
    if (this.encoding === 'listpack') {
      const m = this.lpMembers;
      const s = this.lpScores;
      let i = reverse ? this.lpLastInLex(r) : this.lpFirstInLex(r);
      if (i < 0) return 0;
      i = reverse ? i - offset : i + offset;
      while (i >= 0 && i < m.length && limit-- !== 0) {
        const mem = m[i]!;
        if (reverse ? !lexGteMin(mem, r) : !lexLteMax(mem, r)) break;
        emit(mem, s[i]!);
        count++;
        i = reverse ? i - 1 : i + 1;
      }
      return count;
    }
    const zsl = this.zsl!;
    let ln = reverse ? zsl.lastInLexRange(r) : zsl.firstInLexRange(r);
    if (ln !== null && offset > 0) {
      const rank = zsl.getRank(ln.score, ln.member);
      const target = reverse ? rank - offset : rank + offset;
      ln = target >= 1 && target <= zsl.length ? zsl.getElementByRank(target) : null;
    }
    while (ln !== null && limit-- !== 0) {
      if (reverse ? !lexGteMin(ln.member, r) : !lexLteMax(ln.member, r)) break;
      emit(ln.member, ln.score);
      count++;
      ln = reverse ? ln.backward : ln.forward[0]!;
    }
    return count;
  }

  /** ZCOUNT. */
  countInRange(r: ScoreRange): number {
    if (this.encoding === 'listpack') {
      let i = this.lpFirstInRange(r);
      if (i < 0) return 0;
      let n = 0;
      const s = this.lpScores;
      for (; i < s.length && valueLteMax(s[i]!, r); i++) n++;
      return n;
    }
    const zsl = this.zsl!;
    const first = zsl.firstInRange(r);
    if (first === null) return 0;
    const last = zsl.lastInRange(r)!;
    return zsl.getRank(last.score, last.member) - zsl.getRank(first.score, first.member) + 1;
  }

  /** ZLEXCOUNT. */
  countInLex(r: LexRange): number {
    if (this.encoding === 'listpack') {
      let i = this.lpFirstInLex(r);
      if (i < 0) return 0;
      let n = 0;
      const m = this.lpMembers;
      for (; i < m.length && lexLteMax(m[i]!, r); i++) n++;
      return n;
    }
    const zsl = this.zsl!;
    const first = zsl.firstInLexRange(r);
    if (first === null) return 0;
    const last = zsl.lastInLexRange(r)!;
    return zsl.getRank(last.score, last.member) - zsl.getRank(first.score, first.member) + 1;
  }

  /** ZREMRANGEBYRANK with 0-based, clamped, non-empty start..end. */
  deleteRangeByRank(start: number, end: number): number {
    if (this.encoding === 'listpack') {
      const n = end - start + 1;
      this.lpMembers.splice(start, n);
      this.lpScores.splice(start, n);
      return n;
    }
    const dict = this.dict!;
    return this.zsl!.deleteRangeByRank(start + 1, end + 1, (m) => dict.delete(m));
  }

  deleteRangeByScore(r: ScoreRange): number {
    if (this.encoding === 'listpack') {
      const i = this.lpFirstInRange(r);
      if (i < 0) return 0;
      let j = i;
      const s = this.lpScores;
      while (j < s.length && valueLteMax(s[j]!, r)) j++;
      this.lpMembers.splice(i, j - i);
      this.lpScores.splice(i, j - i);
      return j - i;
    }
    const dict = this.dict!;
    return this.zsl!.deleteRangeByScore(r, (m) => dict.delete(m));
  }

  deleteRangeByLex(r: LexRange): number {
    if (this.encoding === 'listpack') {
      const i = this.lpFirstInLex(r);
      if (i < 0) return 0;
      let j = i;
      const m = this.lpMembers;
      while (j < m.length && lexLteMax(m[j]!, r)) j++;
      this.lpMembers.splice(i, j - i);
      this.lpScores.splice(i, j - i);
      return j - i;
    }
    const dict = this.dict!;
    return this.zsl!.deleteRangeByLex(r, (m) => dict.delete(m));
  }

  /** Removes and returns the lowest (or highest) element; the set must not be empty. */
  pop(max: boolean): [Bytes, number] {
    if (this.encoding === 'listpack') {
      if (max) return [this.lpMembers.pop()!, this.lpScores.pop()!];
      return [this.lpMembers.shift()!, this.lpScores.shift()!];
    }
    const zsl = this.zsl!;
    const n = max ? zsl.tail! : zsl.first!;
    const out: [Bytes, number] = [n.member, n.score];
    this.dict!.delete(n.member);
    zsl.delete(n.score, n.member);
    return out;
  }

  /** A uniformly random element of a non-empty set. */
  randomElement(): [Bytes, number] {
    const n = this.size;
    const i = Math.floor(Math.random() * n);
    if (this.encoding === 'listpack') return [this.lpMembers[i]!, this.lpScores[i]!];
    const node = this.zsl!.getElementByRank(i + 1)!;
    return [node.member, node.score];
  }

  /** Members in storage order (for ZSCAN over a skiplist's dict). */
  get memberMap(): Map<Bytes, number> | null {
    return this.dict;
  }

  /** Longest member (bytes). */
  maxMemberLength(): number {
    let max = 0;
    for (const [m] of this.entries()) if (m.length > max) max = m.length;
    return max;
  }
}
