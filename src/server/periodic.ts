/**
 * The background workers' loop (e-mail outbox, SLA escalations, survey schedule, performance drain): one run
 * now, then one `intervalMs` ms after each run ends (runs never overlap), until stopped. A run that throws
 * is reported to `onError` and the loop goes on. Timers are unref'd, so an idle worker does not keep the
 * process alive.
 */

/**
 * Starts the loop.
 * @param run one run; `stopped()` tells a run that loops over batches to end early.
 * @param intervalMs pause between the end of a run and the start of the next (ms).
 * @param onError receives what a run threw.
 * @returns stop: no run starts after it is called; resolves once the run in progress, if any, has ended.
 */
export function startPeriodic(
  run: (stopped: () => boolean) => Promise<void>,
  intervalMs: number,
  onError: (e: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      await run(() => stopped);
    } catch (e) {
      onError(e);
    }
    if (!stopped) {
      timer = setTimeout(() => {
        running = tick();
      }, intervalMs);
      timer.unref();
    }
  };
  running = tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
