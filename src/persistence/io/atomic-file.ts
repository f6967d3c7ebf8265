import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old file or the complete new one, never a
 * half-written one: a temporary file in the same directory, fsync, rename, fsync the dir.
 */
export class AtomicFileWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytesWritten = 0;
  private finished = false;

  constructor(readonly target: string) {
    const dir = path.dirname(path.resolve(target));
    this.tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${Date.now()}`);
    this.fd = fs.openSync(this.tmp, 'wx', 0o644);
  }

  write(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.fd, data, off);
    this.bytesWritten += data.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Flushes, fsyncs and moves the file into place. */
  commit(): void {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.renameSync(this.tmp, this.target);
    this.finished = true;
    try {
      const dfd = fs.openSync(path.dirname(path.resolve(this.target)), 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
    } catch {
      // Some filesystems refuse fsync on directories; the rename itself is still atomic.
    }
  }

  /** Drops the temporary file; the target is untouched. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(this.tmp, { force: true });
  }
}
