// A probe agent's results waiting for the site: kept in a bounded local file (JSON lines) so that a site that is
// away loses nothing within the bound; past it the oldest results are dropped, counted, and the count is said.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AgentResult } from './batch.ts';

export type BufferLog = { warn(details: object, message: string): void };

/** One line of the file: a result, or the count of results dropped so far (the last such line holds). */
type Line = { r: AgentResult } | { dropped: number };

export type ResultBuffer = {
  add(result: AgentResult): void;
  /** The `count` oldest results, oldest first. */
  oldest(count: number): AgentResult[];
  /** Forgets results the site has (or refused for good). */
  remove(ids: ReadonlySet<string>): void;
  readonly size: number;
  /** Results dropped because the buffer was full, since the file was made. */
  readonly dropped: number;
};

function readLines(file: string): { results: AgentResult[]; dropped: number; broken: number } {
  const results: AgentResult[] = [];
  let dropped = 0;
  let broken = 0;
  if (!existsSync(file)) return { results, dropped, broken };
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const line = JSON.parse(text) as Line;
      if ('dropped' in line && Number.isInteger(line.dropped)) dropped = line.dropped;
      else if ('r' in line) results.push(AgentResult.parse(line.r));
      else broken += 1;
    } catch {
      // A line cut short by a crash mid-write: the results before it are kept.
      broken += 1;
    }
  }
  return { results, dropped, broken };
}

export function createResultBuffer(options: { file: string; maxResults: number; log: BufferLog }): ResultBuffer {
  const { file, maxResults, log } = options;
  const loaded = readLines(file);
  let results = loaded.results;
  let dropped = loaded.dropped;
  if (loaded.broken > 0) log.warn({ lines: loaded.broken }, 'unreadable lines in the result buffer were skipped');

  /** Writes the whole buffer anew (to a new file, then renamed: a crash leaves the old file or the new one). */
  const rewrite = () => {
    const lines = [JSON.stringify({ dropped }), ...results.map((r) => JSON.stringify({ r }))];
    writeFileSync(`${file}.tmp`, `${lines.join('\n')}\n`);
    renameSync(`${file}.tmp`, file);
  };
  const trim = () => {
    const over = results.length - maxResults;
    if (over <= 0) return false;
    results = results.slice(over);
    dropped += over;
    log.warn(
      { dropped: over, droppedInAll: dropped, kept: results.length },
      `the result buffer is full (${maxResults} results): the oldest were dropped`,
    );
    return true;
  };
  trim();
  rewrite();

  return {
    add(result) {
      results.push(result);
      if (trim()) rewrite();
      else appendFileSync(file, `${JSON.stringify({ r: result })}\n`);
    },
    oldest: (count) => results.slice(0, count),
    remove(ids) {
      const before = results.length;
      results = results.filter((r) => !ids.has(r.id));
      if (results.length !== before) rewrite();
    },
    get size() {
      return results.length;
    },
    get dropped() {
      return dropped;
    },
  };
}
