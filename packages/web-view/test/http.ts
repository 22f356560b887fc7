// Raw HTTP for the tests: any Host header, any Origin, and Server-Sent Events read frame by frame.
import http from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface EventStream {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Resolves with the next frame of `event` (earlier frames of other events are skipped). */
  next(event: string, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

export function openStream(url: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let buffer = '';
      const frames: { event: string; data: string }[] = [];
      let wake: (() => void) | undefined;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) frames.push({ event, data });
          end = buffer.indexOf('\n\n');
        }
        wake?.();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        async next(event, timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const index = frames.findIndex((frame) => frame.event === event);
            if (index >= 0) {
              const [frame] = frames.splice(0, index + 1).slice(-1);
              return JSON.parse(frame!.data) as unknown;
            }
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`no ${event} frame within ${timeoutMs} ms`);
            await new Promise<void>((done) => {
              const timer = setTimeout(done, left);
              wake = () => {
                clearTimeout(timer);
                done();
              };
            });
          }
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}
