import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('readAhead', () => {
  it('yields every item in order', async () => {
    async function* source() {
      for (let i = 0; i < 20; i++) {
        if (i % 3 === 0) await tick();
        yield i;
      }
    }
    const out: number[] = [];
    for await (const item of readAhead(source(), 4)) out.push(item);
    expect(out).toEqual([...Array(20).keys()]);
  });

  it('runs ahead of a slow consumer, but never more than `depth` items', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 50; i++) {
        produced++;
        yield i;
      }
    }
    const iterator = readAhead(source(), 3);
    const first = await iterator.next();
    expect(first.value).toBe(0);
    await tick();
    // Taken: 1; buffered: at most 3; and one more may be in the source's hands when the buffer filled.
    expect(produced).toBeGreaterThanOrEqual(3);
    expect(produced).toBeLessThanOrEqual(1 + 3 + 1);
    await iterator.return(undefined);
  });

  it('delivers the items before a source error, then the error', async () => {
    async function* source() {
      yield 1;
      yield 2;
      await tick();
      throw new Error('provider down');
    }
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source(), 8)) out.push(item);
      })(),
    ).rejects.toThrow('provider down');
    expect(out).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early, without waiting for the item in flight', async () => {
    let closed = false;
    let release: () => void = () => {};
    let onClose: () => void = () => {};
    const closing = new Promise<void>((resolve) => (onClose = resolve));
    async function* source() {
      try {
        yield 1;
        // A page still on its way when the consumer gives up.
        await new Promise<void>((resolve) => (release = resolve));
        yield 2;
      } finally {
        closed = true;
        onClose();
      }
    }
    const consumer = (async () => {
      for await (const item of readAhead(source(), 2)) {
        if (item === 1) throw new Error('commit failed');
      }
    })();
    await expect(consumer).rejects.toThrow('commit failed');
    expect(closed).toBe(false);
    release();
    // Closed once the item in flight is done: awaited as an event, not after a guessed delay.
    await closing;
    expect(closed).toBe(true);
  });

  it('hands each item through `take` before the source resumes', async () => {
    const shared = { n: 0 };
    async function* source() {
      for (let i = 0; i < 5; i++) {
        shared.n = i;
        yield shared;
      }
    }
    const out: number[] = [];
    for await (const item of readAhead(source(), 5, (x) => ({ ...x }))) {
      await tick();
      out.push(item.n);
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });
});
