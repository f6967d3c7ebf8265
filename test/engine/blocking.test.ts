import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { ErrorReply } from '../../src/engine/reply.js';

describe('blocked clients and key deletion', () => {
  it('a blocked XREADGROUP is answered NOGROUP when its stream is deleted (7.2 re-execution)', async () => {
    const engine = new Engine({ timers: false });
    const a = engine.createSession();
    const b = engine.createSession();
    a.execute(['XADD', 's', '1-1', 'f', 'v']);
    a.execute(['XGROUP', 'CREATE', 's', 'g', '$']);
    const pending = a.execute(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    expect(pending).toBeInstanceOf(Promise);
    b.execute(['DEL', 's']);
    const reply = await pending;
    expect(reply).toBeInstanceOf(ErrorReply);
    expect((reply as ErrorReply).message).toMatch(/^NOGROUP/);
    engine.close();
  });

  it('a blocked XREAD keeps waiting when its key is deleted, and is served by the next XADD', async () => {
    const engine = new Engine({ timers: false });
    const a = engine.createSession();
    const b = engine.createSession();
    b.execute(['XADD', 's', '1-1', 'f', 'v']);
    const pending = a.execute(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
    let settled = false;
    void Promise.resolve(pending).then(() => (settled = true));
    b.execute(['DEL', 's']);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    b.execute(['XADD', 's', '2-1', 'f', 'w']);
    expect(await pending).toEqual([['s', [['2-1', ['f', 'w']]]]]);
    engine.close();
  });
});
