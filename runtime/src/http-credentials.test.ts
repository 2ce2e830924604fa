import { describe, expect, it } from 'vitest';
import {
  BasicAuthVerifier,
  basicUsersList,
  bearerMatches,
  hashPassword,
  isLoopbackHost,
  sha256Hex,
  tokenHashList,
} from './http-credentials.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('http credentials', () => {
  it('verifies basic auth against scrypt hashes; wrong password, unknown user, malformed header fail', () => {
    const users = basicUsersList.parse(`ops:${hashPassword('s3cret pass')},viewer:${hashPassword('other')}`);
    const verifier = new BasicAuthVerifier(users);
    expect(verifier.verify(basic('ops', 's3cret pass'))).toBe('ops');
    expect(verifier.verify(basic('ops', 's3cret pass'))).toBe('ops'); // remembered
    expect(verifier.verify(basic('viewer', 'other'))).toBe('viewer');
    expect(verifier.verify(basic('ops', 'other'))).toBeUndefined();
    expect(verifier.verify(basic('root', 's3cret pass'))).toBeUndefined();
    expect(verifier.verify('Bearer s3cret')).toBeUndefined();
    expect(verifier.verify(undefined)).toBeUndefined();
    expect(new BasicAuthVerifier([]).enabled).toBe(false);
  });

  it('salts every hash and never echoes a bad entry', () => {
    expect(hashPassword('x')).not.toBe(hashPassword('x'));
    const bad = basicUsersList.safeParse('ops:plaintext-password');
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error)).not.toContain('plaintext-password');
    expect(basicUsersList.safeParse(`a:${hashPassword('1')},a:${hashPassword('2')}`).success).toBe(false);
  });

  it('matches bearer tokens by sha256 only', () => {
    const hashes = tokenHashList.parse(`${sha256Hex('tok-one')}, ${sha256Hex('tok-two').toUpperCase()}`);
    expect(bearerMatches('Bearer tok-two', hashes)).toBe(true);
    expect(bearerMatches('Bearer tok-three', hashes)).toBe(false);
    expect(bearerMatches(`Bearer ${hashes[0]}`, hashes)).toBe(false);
    expect(bearerMatches('tok-one', hashes)).toBe(false);
    expect(tokenHashList.safeParse('not-a-hash').success).toBe(false);
  });

  it('tells loopback binds from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'dashboard.internal'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
