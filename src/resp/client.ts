import net from 'node:net';
import type { Bytes } from '../engine/bytes.js';
import type { Reply } from '../engine/reply.js';
import { RespDecoder } from './decoder.js';
import { encodeCommand } from './encoder.js';

/**
 * A minimal RESP client: one connection, replies matched to requests in order.
 * Used by tests and tools that talk to a real redis-server.
 */
export class RespClient {
  private readonly decoder = new RespDecoder();
  private readonly waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  /** Out-of-band pushes (RESP3 '>' or messages while subscribed) land here when nobody waits. */
  readonly unsolicited: Reply[] = [];
  private closed: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      for (const reply of this.decoder.push(chunk)) {
        const w = this.waiting.shift();
        if (w) w.resolve(reply);
        else this.unsolicited.push(reply);
      }
    });
    const fail = (e: Error) => {
      this.closed = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host }, () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new RespClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one command (arguments as engine byte strings) and resolves with its reply. */
  call(...argv: Bytes[]): Promise<Reply> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(Buffer.from(encodeCommand(argv), 'latin1'));
    });
  }

  /** Waits for the next unsolicited reply (pub/sub message), or rejects after ms. */
  async nextPush(ms = 1000): Promise<Reply> {
    const deadline = Date.now() + ms;
    while (this.unsolicited.length === 0) {
      if (Date.now() > deadline) throw new Error('no push message arrived');
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.unsolicited.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }
}
