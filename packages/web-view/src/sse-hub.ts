// The live streams (Server-Sent Events): one per open page. Each gets a snapshot when it connects, then every
// delta. A page that stops reading is cut once its unsent backlog passes a bound (it reconnects and resyncs),
// so a stalled tab costs bounded memory.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Unsent bytes a viewer may hold beyond its snapshot before it is cut. */
export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** EventSource's reconnect delay (the browser default is about 3 s). */
const RETRY_MS = 1000;

interface Viewer {
  readonly res: ServerResponse;
  readonly limit: number;
}

export function sseFrame(event: string, data: string): string {
  // JSON.stringify never emits a raw line break, so the data is one `data:` line.
  return `event: ${event}\ndata: ${data}\n\n`;
}

export class SseHub {
  readonly #viewers = new Set<Viewer>();
  readonly #maxViewers: number;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Viewers cut for not reading. */
  slowCut = 0;

  constructor(maxViewers: number) {
    this.#maxViewers = maxViewers;
  }

  get size(): number {
    return this.#viewers.size;
  }

  /** Starts a stream with `snapshot` (an SSE frame); false when the viewer limit is reached (nothing written). */
  open(req: IncomingMessage, res: ServerResponse, snapshot: () => string): boolean {
    if (this.#viewers.size >= this.#maxViewers) return false;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    const frame = snapshot();
    res.write(`retry: ${RETRY_MS}\n\n`);
    res.write(frame);
    const viewer: Viewer = { res, limit: Buffer.byteLength(frame) + MAX_BACKLOG_BYTES };
    this.#viewers.add(viewer);
    res.once('close', () => this.#viewers.delete(viewer));
    if (this.#heartbeat === undefined) {
      this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), HEARTBEAT_MS);
      this.#heartbeat.unref();
    }
    return true;
  }

  broadcast(frame: string): void {
    this.#write(frame);
  }

  #write(frame: string): void {
    for (const viewer of this.#viewers) {
      if (viewer.res.writableLength > viewer.limit) {
        this.slowCut += 1;
        this.#viewers.delete(viewer);
        viewer.res.destroy();
        continue;
      }
      viewer.res.write(frame);
    }
    if (this.#viewers.size === 0) this.#stopHeartbeat();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  closeAll(): void {
    for (const viewer of this.#viewers) viewer.res.destroy();
    this.#viewers.clear();
    this.#stopHeartbeat();
  }
}
