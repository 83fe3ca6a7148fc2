/**
 * Worker-thread entry of the parallel polish (see polish-helper.ts, decision 0020). Long-lived: HiGHS
 * (WebAssembly) is loaded and warmed once. Messages in: `{ type: 'instance', id, instance, options }`
 * (PlanInstance, PlanOptions: indexed and kept for the polishes of that solve), then any number of
 * `{ type: 'polish', id, assignment, services, deadlineEpochMs }`: the per-service polish
 * (`polishByService`, relationships fixed) of the named services only, from `assignment`, until the
 * deadline (ms since the epoch). Answer: `{ type: 'polished', id, assignment }` (the incumbent where
 * nothing improved) or `{ type: 'polished', id, assignment: null, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { type AssignmentVector, type IndexedInstance, indexInstance, type PlanInstance, type PlanOptions } from './model.ts';
import { highsRuntime, polishByService } from './optimiser.ts';

let indexed: { id: number; ix: IndexedInstance } | null = null;

type Message =
  | { type: 'instance'; id: number; instance: PlanInstance; options: PlanOptions }
  | { type: 'polish'; id: number; assignment: AssignmentVector; services: string[]; deadlineEpochMs: number };

parentPort?.on('message', (m: Message) => {
  if (m.type === 'instance') {
    indexed = null;
    try {
      indexed = { id: m.id, ix: indexInstance(m.instance, m.options) };
    } catch {
      // Answered at the polish request.
    }
    return;
  }
  highsRuntime().then(
    (highs) => {
      if (!indexed || indexed.id !== m.id) throw new Error(`no instance for solve ${m.id}`);
      const deadline = m.deadlineEpochMs - performance.timeOrigin;
      const out = polishByService(highs, indexed.ix, m.assignment, deadline, () => false, undefined, undefined, new Set(m.services));
      parentPort?.postMessage({ type: 'polished', id: m.id, assignment: out });
    },
    (e: unknown) => {
      throw e;
    },
  ).catch((e: unknown) => parentPort?.postMessage({ type: 'polished', id: m.id, assignment: null, error: String(e) }));
});
// Load and warm HiGHS (the first solve in a fresh runtime is slow), then say so.
highsRuntime().then(
  (h) => {
    const model = h.createModel({
      numCols: 1,
      numRows: 1,
      colCost: Float64Array.from([1]),
      colLower: Float64Array.from([0]),
      colUpper: Float64Array.from([1]),
      rowLower: Float64Array.from([1]),
      rowUpper: Float64Array.from([1]),
      matrix: { format: 'csr', numRows: 1, numCols: 1, starts: Int32Array.from([0, 1]), indices: Int32Array.from([0]), values: Float64Array.from([1]) },
      integrality: Int32Array.from([1]) as unknown as Int32Array,
    });
    model.options.set({ output_flag: false });
    model.run();
    model.dispose();
    parentPort?.postMessage({ type: 'ready' });
  },
  (e: unknown) => parentPort?.postMessage({ type: 'fatal', error: String(e) }),
);
