import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type PlanOptions } from './model.ts';
import { optimise } from './optimiser.ts';
import { optimiseInWorker, stopPlanningWorker } from './solve-in-worker.ts';
import { syntheticInstance } from './synthetic.ts';

describe('the solve in a worker thread', () => {
  afterAll(() => stopPlanningWorker());

  it('gives the in-process result and leaves the event loop free meanwhile', async () => {
    const instance = syntheticInstance({ seed: 9, entities: 40, services: 6, providers: 5, offerShare: 0.5 });
    const options: PlanOptions = { ...DEFAULT_OPTIONS, solver: { timeLimitSeconds: 20, relativeGap: 1e-3 } };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const inWorker = await optimiseInWorker(instance, options);
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    const inProcess = await optimise(instance, options);
    expect(inWorker.status).toBe('optimal');
    expect(inWorker.assignment).toHaveLength(instance.demands.length);
    expect(Math.abs((inWorker.objectiveUsd as number) - (inProcess.objectiveUsd as number))).toBeLessThanOrEqual(
      2e-3 * (inProcess.objectiveUsd as number),
    );
    // The timer kept firing while the worker solved (a blocked loop would give at most one late tick).
    expect(ticks).toBeGreaterThanOrEqual(Math.min(10, Math.floor(elapsed / 50)));
    expect(ticks).toBeGreaterThan(1);
  });

  it('queues concurrent solves and answers each with its own result', async () => {
    const a = syntheticInstance({ seed: 3, entities: 6, services: 3, providers: 3 });
    const b = syntheticInstance({ seed: 4, entities: 7, services: 2, providers: 3 });
    const [ra, rb] = await Promise.all([optimiseInWorker(a, DEFAULT_OPTIONS), optimiseInWorker(b, DEFAULT_OPTIONS)]);
    expect(ra.assignment).toHaveLength(a.demands.length);
    expect(rb.assignment).toHaveLength(b.demands.length);
  });

  it('reports the worker failing rather than hanging, and keeps serving', async () => {
    // An instance naming an unknown duty station makes indexInstance throw inside the worker.
    const instance = syntheticInstance({ seed: 2, entities: 2, services: 1, providers: 2 });
    instance.entities[0] = { code: 'E0', dutyStation: 'NOWHERE', kind: 'other' };
    await expect(optimiseInWorker(instance, DEFAULT_OPTIONS)).rejects.toThrow(/worker/);
    const ok = syntheticInstance({ seed: 2, entities: 2, services: 1, providers: 2 });
    expect((await optimiseInWorker(ok, DEFAULT_OPTIONS)).status).toBe('optimal');
  });
});
