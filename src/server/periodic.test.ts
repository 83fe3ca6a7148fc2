import { describe, expect, it } from 'vitest';
import { startPeriodic } from './periodic.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startPeriodic', () => {
  it('runs at once and again after each run, never two at a time; errors are reported and the loop goes on', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const stop = startPeriodic(
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(15);
        active--;
        if (runs === 2) throw new Error('second run fails');
      },
      5,
      (e) => errors.push(e),
    );
    expect(runs).toBe(1); // the first run starts synchronously
    await sleep(150);
    await stop();
    expect(runs).toBeGreaterThanOrEqual(3); // the loop went on after the failing run
    expect(maxActive).toBe(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('second run fails');
    const after = runs;
    await sleep(40);
    expect(runs).toBe(after); // nothing runs after stop
  });

  it('stop waits for the run in progress, which sees stopped() and ends its batches', async () => {
    let batches = 0;
    let finished = false;
    const stop = startPeriodic(
      async (stopped) => {
        while (!stopped()) {
          batches++;
          await sleep(5);
        }
        finished = true;
      },
      1000,
      () => undefined,
    );
    await sleep(30);
    await stop();
    expect(finished).toBe(true);
    expect(batches).toBeGreaterThan(1);
  });
});
