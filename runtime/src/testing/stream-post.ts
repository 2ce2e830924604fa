import http from 'node:http';

export interface StreamPostResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Bytes handed to the socket before the answer came (the server's cut-off, roughly). */
  sentBytes: number;
  ms: number;
}

/**
 * POSTs `totalBytes` of filler, streamed in 64 KiB chunks (never held in memory), and resolves with
 * the answer as soon as it arrives; stops sending then. `declareLength` sends Content-Length (the
 * server can refuse before reading), else the body is chunked (it must count as it reads). For
 * oversized-body tests: a server that buffers the whole body answers late or not at all.
 */
export function streamPost(
  url: string,
  totalBytes: number,
  opts: { headers?: Record<string, string>; declareLength: boolean },
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
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
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
      while (!answered && sent < totalBytes && !req.destroyed) {
        const n = Math.min(chunk.length, totalBytes - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && sent >= totalBytes) req.end();
    };
    pump();
  });
}
