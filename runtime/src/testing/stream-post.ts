import http from 'node:http';

export interface StreamPostResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Bytes handed to the socket before the answer came: for diagnosis, load-dependent (see below). */
  sentBytes: number;
  ms: number;
}

/**
 * POSTs a body that claims `totalBytes` of filler, streamed in 64 KiB chunks (never held in
 * memory), and resolves with the answer as soon as it arrives; stops sending then. `declareLength`
 * sends Content-Length (the server can refuse before reading), else the body is chunked (it must
 * count as it reads).
 *
 * `sendAtMost` makes an oversized-body test deterministic: the client sends that many bytes, then
 * waits for the answer without sending more, and fails after `answerTimeoutMs` if none comes. A
 * server that refuses on Content-Length answers with 0 bytes sent; one that counts a chunked body
 * answers once past its limit; one that buffers the whole body never answers. (How much a client
 * that keeps sending gets out before the answer reaches it depends on the machine's load, so
 * "bytes sent before the answer" is not a fact a test can assert.)
 */
export function streamPost(
  url: string,
  totalBytes: number,
  opts: {
    headers?: Record<string, string>;
    declareLength: boolean;
    sendAtMost?: number;
    answerTimeoutMs?: number;
  },
): Promise<StreamPostResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...opts.headers,
      ...(opts.declareLength ? { 'content-length': String(totalBytes) } : { 'transfer-encoding': 'chunked' }),
    };
    const req = http.request(url, { method: 'POST', headers });
    const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, never a complete body
    const stopAt = Math.min(totalBytes, opts.sendAtMost ?? totalBytes);
    let sent = 0;
    let answered = false;
    let waiting: NodeJS.Timeout | undefined;
    req.on('response', (res) => {
      answered = true;
      clearTimeout(waiting);
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString(),
          headers: res.headers,
          sentBytes: sent,
          ms: Date.now() - started,
        }),
      );
      res.on('error', reject);
    });
    // The server closes the connection after refusing: writes after that fail, which is the point.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      while (!answered && sent < stopAt && !req.destroyed) {
        const n = Math.min(chunk.length, stopAt - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (answered) return;
      if (sent >= totalBytes) {
        req.end();
        return;
      }
      if (sent === 0) req.flushHeaders(); // nothing written yet: the headers alone must be answered
      const timeoutMs = opts.answerTimeoutMs ?? 10_000;
      waiting = setTimeout(() => {
        req.destroy();
        reject(
          new Error(
            `no answer ${timeoutMs} ms after ${sent} of ${totalBytes} body bytes: the server waits for the rest of the body`,
          ),
        );
      }, timeoutMs);
    };
    pump();
  });
}
