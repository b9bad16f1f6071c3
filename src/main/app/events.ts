import type { PoseLoopEvent } from '@shared/contract';

export type Listener = (event: PoseLoopEvent) => void;

/** In-process fan-out of events to the shells (SSE clients, the Electron window, CLI progress). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PoseLoopEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed SSE socket) must not stop the others or the operation.
      }
    }
  }
}
