import type { Bytes } from './bytes.js';

/**
 * Redis's glob matcher (util.c stringmatchlen): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes.
 * Works on byte strings; `nocase` folds ASCII letters.
 */
export function globMatch(pattern: Bytes, str: Bytes, nocase = false): boolean {
  return match(pattern, 0, str, 0, nocase, 0);
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function match(p: Bytes, pi: number, s: Bytes, si: number, nocase: boolean, nesting: number): boolean {
  // Protect against abusive patterns (Redis caps recursion the same way).
  if (nesting > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si <= slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return true;
      for (let k = si; k < slen; k++) {
        if (match(p, pi + 1, s, k, nocase, nesting + 1)) return true;
      }
      return false;
    }
    if (si >= slen) return false;
    const sc = s.charCodeAt(si);
    if (pc === 63 /* ? */) {
      si++;
      pi++;
      continue;
    }
    if (pc === 91 /* [ */) {
      pi++;
      const not = p.charCodeAt(pi) === 94; /* ^ */
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= plen) {
          pi--; // pattern ended inside [...]: treat like Redis, the last char closes it
          break;
        }
        const c = p.charCodeAt(pi);
        if (c === 92 /* \ */ && pi + 2 < plen) {
          pi++;
          if (p.charCodeAt(pi) === sc) matched = true;
        } else if (c === 93 /* ] */) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = c;
          let end = p.charCodeAt(pi + 2);
          let cc = sc;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            cc = lower(cc);
          }
          pi += 2;
          if (cc >= start && cc <= end) matched = true;
        } else if (nocase ? lower(c) === lower(sc) : c === sc) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    let lit = pc;
    if (pc === 92 /* \ */ && pi + 1 < plen) {
      pi++;
      lit = p.charCodeAt(pi);
    }
    if (nocase ? lower(lit) !== lower(sc) : lit !== sc) return false;
    si++;
    pi++;
  }
  while (pi < plen && p.charCodeAt(pi) === 42) pi++;
  return pi === plen && si === slen;
}
