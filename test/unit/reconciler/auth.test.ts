import { readReconcilerSettings } from '../../../reconciler/config';
import { TokenVerifier, generateToken, hashToken } from '../../../reconciler/service/auth';

describe('bearer tokens', () => {
  const op = generateToken();
  const rd = generateToken();
  const verifier = new TokenVerifier([
    { name: 'ops', role: 'operator', sha256: hashToken(op) },
    { name: 'dash', role: 'reader', sha256: hashToken(rd) },
  ]);

  it('maps a token to its role, and nothing else to anyone', () => {
    expect(verifier.verify(`Bearer ${op}`)).toEqual({ name: 'ops', role: 'operator' });
    expect(verifier.verify(`bearer ${rd}`)).toEqual({ name: 'dash', role: 'reader' });
    expect(verifier.verify(undefined)).toBeUndefined();
    expect(verifier.verify(op)).toBeUndefined();
    expect(verifier.verify(`Bearer ${op}x`)).toBeUndefined();
    expect(verifier.verify(`Basic ${op}`)).toBeUndefined();
  });

  it('reads hashes, never tokens, from configuration', () => {
    const tokens = (value: unknown) =>
      readReconcilerSettings({ RECONCILER_TOKENS: JSON.stringify(value) }).tokens;
    expect(tokens([{ name: 'a', role: 'reader', sha256: hashToken('t') }])).toHaveLength(1);
    expect(() => tokens([{ name: 'a', role: 'reader', sha256: 't' }])).toThrow(
      /RECONCILER_TOKENS: 0.sha256: a hex SHA-256/,
    );
    expect(() => readReconcilerSettings({ RECONCILER_TOKENS: '[' })).toThrow(
      /RECONCILER_TOKENS: must be a JSON array/,
    );
  });
});
