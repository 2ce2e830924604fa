import type { Request, Response } from 'express';
import { writeAnswer, type ApiAnswer } from './answers.ts';
import type { StatsRecorder } from './mock-stats.ts';

/**
 * The timeout fault: the request was handled (a document stored), but its answer never leaves;
 * after `afterMs` the socket is destroyed, so the client sees a reset or its own timeout and cannot
 * know whether the document was accepted. Held sockets are destroyed at once on close.
 */
export class HeldResponses {
  private readonly held = new Map<NodeJS.Timeout, Request>();

  constructor(private readonly stats: StatsRecorder) {}

  /** Answers, unless the fault middleware marked this request as one that times out. */
  reply(req: Request, res: Response, answer: ApiAnswer): void {
    const afterMs = res.locals.timeoutAfterMs as number | undefined;
    if (afterMs === undefined) {
      this.stats.response(answer.status);
      writeAnswer(res, answer);
      return;
    }
    this.stats.response('timeout');
    const timer = setTimeout(() => {
      this.held.delete(timer);
      req.socket.destroy();
    }, afterMs);
    this.held.set(timer, req);
  }

  get size(): number {
    return this.held.size;
  }

  destroyAll(): void {
    for (const [timer, req] of this.held) {
      clearTimeout(timer);
      req.socket.destroy();
    }
    this.held.clear();
  }
}
