import { describe, expect, it } from 'vitest';
import {
  errorFromResponse,
  initialPollState,
  isDown,
  nextPollDelay,
  pollFailed,
  pollSucceeded,
} from './poll-state.ts';

const down = { code: 'REPORTS_API_UNAVAILABLE', message: 'the reports API does not answer' };

describe('poll state', () => {
  it('keeps the last data through failures and clears the error on the next success', () => {
    let s = pollSucceeded(initialPollState<number>(), 42, 1000);
    s = pollFailed(s, down);
    s = pollFailed(s, down);
    expect(s).toEqual({ data: 42, lastOkAt: 1000, failures: 2, error: down });
    expect(isDown(s)).toBe(true);
    s = pollSucceeded(s, 43, 5000);
    expect(s).toEqual({ data: 43, lastOkAt: 5000, failures: 0, error: null });
    expect(isDown(s)).toBe(false);
  });

  it('an unchanged answer keeps the previous object (no re-render of memoised panels)', () => {
    const first = pollSucceeded(initialPollState<{ n: number[] }>(), { n: [1, 2] }, 1000);
    const again = pollSucceeded(first, { n: [1, 2] }, 3000);
    expect(again.data).toBe(first.data);
    expect(again.lastOkAt).toBe(3000);
    const changed = pollSucceeded(again, { n: [1, 3] }, 5000);
    expect(changed.data).toEqual({ n: [1, 3] });
  });

  it('one failed round is not yet "down"', () => {
    expect(isDown(pollFailed(initialPollState(), down))).toBe(false);
  });

  it('refreshes every 2 s and retries faster after a failure, never slower than 2 s', () => {
    expect(nextPollDelay(0)).toBe(2000);
    expect([1, 2, 3, 4, 10].map((n) => nextPollDelay(n))).toEqual([250, 500, 1000, 2000, 2000]);
  });

  it('reads the API error body, with a fallback for non-JSON answers', () => {
    expect(errorFromResponse(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'bad token',
    });
    expect(errorFromResponse(502, 'Bad gateway')).toEqual({ code: 'HTTP_502', message: 'HTTP 502' });
    expect(errorFromResponse(500, null)).toEqual({ code: 'HTTP_500', message: 'HTTP 500' });
  });
});
