// How many provider reads run at once when a page, a job or the correlation reads many providers.
/**
 * Providers a list reads at once. Each read runs its queries together (a pool's worth on PostgreSQL); reading all 200
 * providers at once instead would hold every read's queries and rows until the last one answers, growing the heap
 * by megabytes for nothing (SQLite answers one query at a time anyway).
 */
export const LIST_READS_AT_ONCE = 4;

/** Longest stretch a list read holds the event loop before it lets waiting requests and timers in. */
export const READ_SLICE_MS = 5;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `work` over every item, at most `limit` at a time, the results in the items' order. Every `READ_SLICE_MS` of work
 * the event loop answers what arrived meanwhile: on SQLite a read never waits for I/O, so a list of 40 providers read
 * in one go (a page's refresh in the background) would hold every request for its whole duration (about 100 ms on a
 * month of data), while yielding after every item would make a 200-provider start-up wait for 200 turns of the loop.
 */
export async function mapAtMost<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let sliceStart = performance.now();
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await work(items[i]!);
      if (performance.now() - sliceStart >= READ_SLICE_MS) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
