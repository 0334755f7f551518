import type { SSEStreamingApi } from 'hono/streaming';

const keepAliveMs = 15_000;

/**
 * The console's open Server-Sent Event streams: each kept alive with a ping until the browser goes
 * away, its owner ends it, or `closeAll` does (the server is shutting down: they would hold its drain up).
 */
export function createOpenStreams() {
  const open = new Set<() => void>();
  return {
    closeAll(): void {
      for (const end of open) end();
    },
    /**
     * Holds `stream` open until it ends; `cleanup` runs once then. Answers the promise the stream's
     * handler awaits and the function that ends the stream early.
     */
    hold(stream: SSEStreamingApi, cleanup: () => void): { ended: Promise<void>; end: () => void } {
      let end = () => {};
      const ended = new Promise<void>((resolve) => {
        const keepAlive = setInterval(() => void stream.writeSSE({ event: 'ping', data: '' }).catch(() => undefined), keepAliveMs);
        end = () => {
          if (!open.delete(end)) return;
          clearInterval(keepAlive);
          cleanup();
          resolve();
        };
        open.add(end);
        stream.onAbort(end);
      });
      return { ended, end };
    },
  };
}
