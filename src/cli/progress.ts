/**
 * Progress of long file work on stderr, only when stderr is a terminal: one line rewritten
 * in place, at most ten times a second, erased when done. Nothing at all otherwise.
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly enabled = Boolean(stream.isTTY),
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    this.stream.write(`\r\x1b[K${this.label}: ${pct}% (${human(done)} of ${human(total)})`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

export function human(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
