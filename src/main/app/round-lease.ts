import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProjectStore, RoundRecord } from '../store';

/** A round whose owner has not renewed its lease for this long is taken as abandoned (its process died). */
export const LEASE_SECONDS = 30;
const HEARTBEAT_MS = 5_000;

/**
 * This process's owner id: unique per process start, unlike a PID, which the system reuses (issue 15: a reused PID
 * kept a dead round "training" forever and refused every new round).
 */
export const PROCESS_OWNER = `${hostname()}/${process.pid}/${randomUUID()}`;

const held = new Set<number>();

/** Takes the lease of a round this process runs and renews it until `release` is called. */
export function holdLease(store: ProjectStore, roundId: number): { release(): void } {
  held.add(roundId);
  const timer = setInterval(() => store.rounds.heartbeat(roundId, PROCESS_OWNER), HEARTBEAT_MS);
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      held.delete(roundId);
    },
  };
}

/** Is an unfinished round orphaned? Ours: when no job of this process runs it; others': when the lease lapsed. */
export function leaseLapsed(round: RoundRecord, now: string): boolean {
  if (round.owner === PROCESS_OWNER) return !held.has(round.id);
  if (round.heartbeatAt === null) return true;
  return Date.parse(now) - Date.parse(round.heartbeatAt) > LEASE_SECONDS * 1000;
}
