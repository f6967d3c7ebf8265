import type { Sink } from './runner.js';

/**
 * What a writer to a stream needs from it: `closed` once the reader went away (EPIPE, e.g.
 * `| head`: stop writing, quietly, as redis-cli ignores SIGPIPE), and one shared wait for
 * 'drain' however many writes hit a full stream.
 */
export class StreamGate {
  private broken = false;
  private drained: Promise<void> | null = null;
  private releaseDrain: (() => void) | null = null;

  constructor(stream: NodeJS.WritableStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') {
        this.broken = true;
        this.releaseDrain?.();
      } else throw e;
    });
    stream.on('drain', () => this.releaseDrain?.());
    stream.on('close', () => this.releaseDrain?.());
  }

  get closed(): boolean {
    return this.broken;
  }

  /** Resolves at the next 'drain' (or when the stream closes or breaks). */
  drain(): Promise<void> {
    return (this.drained ??= new Promise<void>((resolve) => {
      this.releaseDrain = () => {
        this.drained = null;
        this.releaseDrain = null;
        resolve();
      };
    }));
  }
}

/**
 * Batched output to a stream: replies are collected and written in large chunks (one
 * write per ~64 KiB, or when the caller flushes), as engine byte strings → raw bytes.
 */
export class StreamSink implements Sink {
  private parts: string[] = [];
  private size = 0;
  private readonly gate: StreamGate;

  /** The reader went away (EPIPE): nothing more will be written. */
  get closed(): boolean {
    return this.gate.closed;
  }

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly limit = 1 << 16,
    /** latin1 for engine byte strings; utf8 for text built as JS strings (JSON). */
    private readonly encoding: 'latin1' | 'utf8' = 'latin1',
  ) {
    this.gate = new StreamGate(stream);
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.limit) this.flush();
  }

  /** Writes what is buffered; resolves when the stream can take more. */
  flush(): void | Promise<void> {
    if (this.size === 0 && this.parts.length === 0) return;
    const data = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.gate.closed || data.length === 0) return;
    const ok = this.stream.write(Buffer.from(data, this.encoding));
    if (ok) return;
    // Back-pressure: callers that await flush() wait for the stream; automatic flushes from
    // write() share the same single wait instead of piling up listeners.
    return this.gate.drain();
  }

  /** Flushes and waits until everything handed to the stream has been written out. */
  async end(): Promise<void> {
    await this.flush();
    if (this.gate.closed) return;
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }
}
