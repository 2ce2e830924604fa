import type { Response } from 'express';
import { toJsonText } from '../json-text.ts';

/** Sends a JSON body built with toJsonText (express's res.json cannot serialise bigint). */
export function sendJson(res: Response, status: number, value: unknown): void {
  res.status(status).type('application/json').send(toJsonText(value));
}
