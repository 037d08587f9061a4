import { disableTokenStackTraces } from './token-traces';

describe('token stack traces', () => {
  it('are recorded by default (so the switch below is what removes them)', () => {
    // Fresh module registry: the patch of an earlier test file must not leak in.
    jest.isolateModules(() => {
      const fresh = jest.requireActual<{
        Intrinsic: new (v: unknown) => { creationStack: string[] };
      }>('cdktf/lib/tokens/private/intrinsic');
      expect(new fresh.Intrinsic('value').creationStack.length).toBeGreaterThan(0);
    });
  });

  it('are turned off for the pinned cdktf, and kept when asked for', () => {
    expect(disableTokenStackTraces({ STREAMPLANE_CDKTF_TOKEN_TRACES: '1' })).toBe(false);
    expect(disableTokenStackTraces({})).toBe(true);
    const intrinsic = jest.requireActual<{
      Intrinsic: new (v: unknown) => { creationStack: string[] };
    }>('cdktf/lib/tokens/private/intrinsic');
    expect(new intrinsic.Intrinsic('value').creationStack).toEqual([]);
  });
});
