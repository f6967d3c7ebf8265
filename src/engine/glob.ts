import type { Bytes } from './bytes.js';

/**
 * Redis's glob matcher (util.c stringmatchlen), quirks included: `*`, `?`, `[abc]`, `[^a-z]`,
 * `\x` escapes; an empty string matches only the empty pattern; the skipLongerMatches cut
 * keeps patterns like a*a*a*b from taking exponential time. Works on byte strings; `nocase`
 * folds ASCII letters.
 */
export function globMatch(pattern: Bytes, str: Bytes, nocase = false): boolean {
  return matchImpl(pattern, 0, str, 0, nocase, { skipLonger: false }, 0);
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchImpl(
  p: Bytes,
  pi: number,
  s: Bytes,
  si: number,
  nocase: boolean,
  st: { skipLonger: boolean },
  nesting: number,
): boolean {
  // Protect against abusive patterns (Redis caps recursion the same way).
  if (nesting > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42 /* * */: {
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (matchImpl(p, pi + 1, s, si, nocase, st, nesting + 1)) return true;
          // A deeper * already failed on a longer tail: longer tails cannot match either.
          if (st.skipLonger) return false;
          si++;
        }
        st.skipLonger = true;
        return false;
      }
      case 63 /* ? */:
        si++;
        break;
      case 91 /* [ */: {
        pi++;
        const not = pi < plen && p.charCodeAt(pi) === 94;
        if (not) pi++;
        let match = false;
        const sc = s.charCodeAt(si);
        for (;;) {
          const c = pi < plen ? p.charCodeAt(pi) : 0;
          if (c === 92 && plen - pi >= 2) {
            pi++;
            if (p.charCodeAt(pi) === sc) match = true;
          } else if (c === 93 && pi < plen) {
            break;
          } else if (pi >= plen) {
            // The pattern ended inside [...]: the last char closes it, as in Redis.
            pi--;
            break;
          } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
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
            if (cc >= start && cc <= end) match = true;
          } else if (nocase ? lower(c) === lower(sc) : c === sc) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default: {
        if (pc === 92 && plen - pi >= 2) pi++;
        const lit = p.charCodeAt(pi);
        const sc = s.charCodeAt(si);
        if (nocase ? lower(lit) !== lower(sc) : lit !== sc) return false;
        si++;
      }
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
