import type { Bytes } from '../engine/bytes.js';

/**
 * Redis's zskiplist (t_zset.c): a skiplist ordered by (score, member) with per-level spans
 * so rank queries are O(log n), and backward pointers on level 0 for reverse iteration.
 * ZSKIPLIST_MAXLEVEL 32, ZSKIPLIST_P 0.25.
 */
export const ZSKIPLIST_MAXLEVEL = 32;
export const ZSKIPLIST_P = 0.25;

export class SkipNode {
  backward: SkipNode | null = null;
  readonly forward: Array<SkipNode | null>;
  readonly span: number[];
  constructor(
    public member: Bytes,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** A score interval: min/max with exclusive flags (zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lex interval (zlexrangespec). `min`/`max` are member bytes; the sentinels are
 * represented by `minInf`/`maxInf` flags: '-' means minus infinity and '+' plus infinity.
 */
export interface LexRange {
  min: Bytes;
  max: Bytes;
  minex: boolean;
  maxex: boolean;
  /** -1: '-' (below everything), 1: '+' (above everything), 0: a real string. */
  minKind: -1 | 0 | 1;
  maxKind: -1 | 0 | 1;
}

export function valueGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}
export function valueLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

function lexCmp(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function lexGteMin(v: Bytes, r: LexRange): boolean {
  if (r.minKind === -1) return true;
  if (r.minKind === 1) return false;
  const c = lexCmp(v, r.min);
  return r.minex ? c > 0 : c >= 0;
}
export function lexLteMax(v: Bytes, r: LexRange): boolean {
  if (r.maxKind === 1) return true;
  if (r.maxKind === -1) return false;
  const c = lexCmp(v, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

/** zslIsInRange's first test: ranges that are empty whatever the data. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** zslLexIsInRange's first test (compare of min and max with the sentinels). */
export function lexRangeEmpty(r: LexRange): boolean {
  // sdscmplex: '-' < any string < '+'.
  const kmin = r.minKind;
  const kmax = r.maxKind;
  let c: number;
  if (kmin === kmax && kmin !== 0) c = 0;
  else if (kmin === -1 || kmax === 1) c = -1;
  else if (kmin === 1 || kmax === -1) c = 1;
  else c = lexCmp(r.min, r.max);
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

/** Node ordering: (score, member). */
function before(n: SkipNode, score: number, member: Bytes): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

export function randomLevel(): number {
  let level = 1;
  while (level < ZSKIPLIST_MAXLEVEL && Math.random() < ZSKIPLIST_P) level++;
  return level;
}

// Scratch arrays reused by every operation (single-threaded engine: no re-entrancy).
const UPDATE: SkipNode[] = new Array<SkipNode>(ZSKIPLIST_MAXLEVEL);
const RANK: number[] = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0);

export class SkipList {
  readonly header = new SkipNode('', 0, ZSKIPLIST_MAXLEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;

  /** The first (lowest) node, or null. */
  get first(): SkipNode | null {
    return this.header.forward[0]!;
  }

  /** zslInsert: the member must not be present already. */
  insert(score: number, member: Bytes): SkipNode {
    return this.insertNode(score, member, null);
  }

  /** Inserts a new node, or re-links `reuse` (keeping its level) as zslUpdateScore does. */
  private insertNode(score: number, member: Bytes, reuse: SkipNode | null): SkipNode {
    const update = UPDATE;
    const rank = RANK;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      let f = x.forward[i]!;
      while (f !== null && before(f, score, member)) {
        rank[i]! += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      update[i] = x;
    }
    const level = reuse !== null ? reuse.forward.length : randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    let n: SkipNode;
    if (reuse !== null) {
      n = reuse;
      n.score = score;
    } else {
      n = new SkipNode(member, score, level);
    }
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      n.forward[i] = u.forward[i]!;
      u.forward[i] = n;
      n.span[i] = u.span[i]! - (rank[0]! - rank[i]!);
      u.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    n.backward = update[0] === this.header ? null : update[0]!;
    const next = n.forward[0]!;
    if (next !== null) next.backward = n;
    else this.tail = n;
    this.length++;
    return n;
  }

  /** zslDeleteNode with update[] filled by the caller. */
  private deleteNode(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (u.forward[i] === x) {
        u.span[i]! += x.span[i]! - 1;
        u.forward[i] = x.forward[i]!;
      } else {
        u.span[i]!--;
      }
    }
    const next = x.forward[0]!;
    if (next !== null) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Fills UPDATE with the last node before (score, member) on each level; returns level-0 predecessor. */
  private findUpdate(score: number, member: Bytes): SkipNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && before(f, score, member)) {
        x = f;
        f = x.forward[i]!;
      }
      UPDATE[i] = x;
    }
    return x;
  }

  /** zslDelete: true if the (score, member) node existed. */
  delete(score: number, member: Bytes): boolean {
    const x = this.findUpdate(score, member).forward[0]!;
    if (x !== null && x.score === score && x.member === member) {
      this.deleteNode(x, UPDATE);
      return true;
    }
    return false;
  }

  /**
   * zslUpdateScore: moves the node of `member` (currently at `curscore`) to `newscore`,
   * in place when its position does not change.
   */
  updateScore(curscore: number, member: Bytes, newscore: number): SkipNode {
    const x = this.findUpdate(curscore, member).forward[0]!;
    if (x === null || x.score !== curscore || x.member !== member) throw new Error('skiplist: element not found');
    const back = x.backward;
    const next = x.forward[0]!;
    if ((back === null || back.score < newscore || (back.score === newscore && back.member < member)) &&
        (next === null || next.score > newscore || (next.score === newscore && next.member > member))) {
      x.score = newscore;
      return x;
    }
    this.deleteNode(x, UPDATE);
    return this.insertNode(newscore, member, x);
  }

  /** zslGetRank: 1-based rank of (score, member), 0 when absent. */
  getRank(score: number, member: Bytes): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** zslGetElementByRank: the node at a 1-based rank, or null. */
  getElementByRank(rank: number): SkipNode | null {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && traversed + x.span[i]! <= rank) {
        traversed += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      if (traversed === rank) return x === this.header ? null : x;
    }
    return null;
  }

  private isInRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === null || !valueGteMin(t.score, r)) return false;
    const f = this.header.forward[0]!;
    return f !== null && valueLteMax(f.score, r);
  }

  /** zslFirstInRange. */
  firstInRange(r: ScoreRange): SkipNode | null {
    if (!this.isInRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && !valueGteMin(f.score, r)) {
        x = f;
        f = x.forward[i]!;
      }
    }
    const n = x.forward[0]!;
    return n !== null && valueLteMax(n.score, r) ? n : null;
  }

  /** zslLastInRange. */
  lastInRange(r: ScoreRange): SkipNode | null {
    if (!this.isInRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && valueLteMax(f.score, r)) {
        x = f;
        f = x.forward[i]!;
      }
    }
    return x !== this.header && valueGteMin(x.score, r) ? x : null;
  }

  private isInLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === null || !lexGteMin(t.member, r)) return false;
    const f = this.header.forward[0]!;
    return f !== null && lexLteMax(f.member, r);
  }

  firstInLexRange(r: LexRange): SkipNode | null {
    if (!this.isInLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && !lexGteMin(f.member, r)) {
        x = f;
        f = x.forward[i]!;
      }
    }
    const n = x.forward[0]!;
    return n !== null && lexLteMax(n.member, r) ? n : null;
  }

  lastInLexRange(r: LexRange): SkipNode | null {
    if (!this.isInLexRange(r)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && lexLteMax(f.member, r)) {
        x = f;
        f = x.forward[i]!;
      }
    }
    return x !== this.header && lexGteMin(x.member, r) ? x : null;
  }

  /** zslDeleteRangeByScore; `onDelete` removes the member from the companion dict. */
  deleteRangeByScore(r: ScoreRange, onDelete: (member: Bytes) => void): number {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && (r.minex ? f.score <= r.min : f.score < r.min)) {
        x = f;
        f = x.forward[i]!;
      }
      UPDATE[i] = x;
    }
    let n = x.forward[0]!;
    let removed = 0;
    while (n !== null && (r.maxex ? n.score < r.max : n.score <= r.max)) {
      const next = n.forward[0]!;
      this.deleteNode(n, UPDATE);
      onDelete(n.member);
      removed++;
      n = next;
    }
    return removed;
  }

  deleteRangeByLex(r: LexRange, onDelete: (member: Bytes) => void): number {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && !lexGteMin(f.member, r)) {
        x = f;
        f = x.forward[i]!;
      }
      UPDATE[i] = x;
    }
    let n = x.forward[0]!;
    let removed = 0;
    while (n !== null && lexLteMax(n.member, r)) {
      const next = n.forward[0]!;
      this.deleteNode(n, UPDATE);
      onDelete(n.member);
      removed++;
      n = next;
    }
    return removed;
  }

  /** zslDeleteRangeByRank: 1-based inclusive ranks. */
  deleteRangeByRank(start: number, end: number, onDelete: (member: Bytes) => void): number {
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]!;
      while (f !== null && traversed + x.span[i]! < start) {
        traversed += x.span[i]!;
        x = f;
        f = x.forward[i]!;
      }
      UPDATE[i] = x;
    }
    traversed++;
    let n = x.forward[0]!;
    let removed = 0;
    while (n !== null && traversed <= end) {
      const next = n.forward[0]!;
      this.deleteNode(n, UPDATE);
      onDelete(n.member);
      removed++;
      traversed++;
      n = next;
    }
    return removed;
  }

  /** Ascending iteration. */
  *[Symbol.iterator](): Generator<SkipNode> {
    for (let n = this.header.forward[0]!; n !== null; n = n.forward[0]!) yield n;
  }
}
