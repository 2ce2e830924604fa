import { describe, expect, it } from 'vitest';
import { authenticateTerminal, hashToken, parseTerminalTokenEntry, tokenIndex } from './terminal-auth.ts';

describe('terminal auth', () => {
  const tokens = [
    { terminalId: 'T1', tokenSha256: hashToken('secret-one') },
    { terminalId: 'T2', tokenSha256: hashToken('secret-two') },
  ];
  const index = tokenIndex(tokens);

  it('maps a bearer token to its terminal', () => {
    expect(authenticateTerminal('Bearer secret-one', index)).toBe('T1');
    expect(authenticateTerminal('Bearer secret-two', index)).toBe('T2');
  });

  it('rejects missing, malformed and unknown tokens', () => {
    expect(authenticateTerminal(undefined, index)).toBeUndefined();
    expect(authenticateTerminal('secret-one', index)).toBeUndefined();
    expect(authenticateTerminal('Basic secret-one', index)).toBeUndefined();
    expect(authenticateTerminal('Bearer secret-three', index)).toBeUndefined();
    // A hash is not a token: config leaks must not grant access.
    expect(authenticateTerminal(`Bearer ${hashToken('secret-one')}`, index)).toBeUndefined();
  });

  it('parses config entries and explains bad ones', () => {
    const hash = hashToken('x');
    expect(parseTerminalTokenEntry(`T-01:${hash.toUpperCase()}`)).toEqual({
      terminalId: 'T-01',
      tokenSha256: hash,
    });
    expect(parseTerminalTokenEntry('T1:raw-token')).toMatch(/sha256/);
    expect(parseTerminalTokenEntry(`bad id:${hash}`)).toMatch(/terminal id/);
  });
});
