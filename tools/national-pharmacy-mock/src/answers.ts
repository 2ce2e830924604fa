import type { Response } from 'express';
import type { AnswerStyle } from './document-kinds.ts';

/** An answer in the authority's words: HTTP status, `code` (the same value) and the text. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** `{code, mess|message, ...extra}` in the endpoint's style; `code` mirrors the HTTP status. */
export function styledAnswer(
  style: AnswerStyle,
  status: number,
  text: string,
  extra: Record<string, unknown> = {},
): ApiAnswer {
  const code = style.codeAs === 'string' ? String(status) : status;
  return { status, body: { code, [style.textKey]: text, ...extra } };
}

/** Gateway-level refusals (429, maintenance) are not the endpoint's: one shape for all of them. */
export function gatewayAnswer(status: number, text: string, headers?: Record<string, string>): ApiAnswer {
  return { status, body: { code: status, message: text }, ...(headers ? { headers } : {}) };
}

export function writeAnswer(res: Response, answer: ApiAnswer): void {
  for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
  res.status(answer.status).json(answer.body);
}

/** What nginx in front of the authority answers on 502/503/504: HTML, not JSON. */
export function nginxPage(status: number): string {
  const titles: Record<number, string> = {
    502: '502 Bad Gateway',
    503: '503 Service Temporarily Unavailable',
    504: '504 Gateway Time-out',
  };
  const title = titles[status] ?? `${status} Error`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
