import { Writable } from 'node:stream';
import { CENSOR, createLogger, registerSecrets, scrub, scrubString } from '../../../reconciler/log';

describe('log scrubbing', () => {
  it.each([
    [
      '/api/v1/plan?format=human&access_token=abc123',
      '/api/v1/plan?format=human&access_token=[redacted]',
    ],
    ['GET /x?t=abc&key=1', 'GET /x?t=[redacted]&key=[redacted]'],
    ['https://user:pw@registry.example/apis', 'https://[redacted]@registry.example/apis'],
    ['header Bearer sprc_abc.def', 'header Bearer [redacted]'],
    ['Authorization: Basic dTpwdw==', 'Authorization: Basic [redacted]'],
    [
      'sasl.jaas.config=org.x.ScramLoginModule required username="a" password="b";',
      'sasl.jaas.config=[redacted] required username="a" password="[redacted]";',
    ],
    ['{"apiSecret": "xyz"}', '{"apiSecret": "[redacted]"}'],
    ['plain words: a token expired', 'plain words: a token expired'],
  ])('%s', (input, output) => {
    expect(scrubString(input)).toBe(output);
  });

  it('replaces values under credential-shaped keys at any depth, keeps the rest', () => {
    const out = scrub({
      lastPass: { state: 'ok' },
      nested: { sasl: { password: 'p' }, apiKey: 'k', 'x-api-secret': 's', cookie: 'c' },
      list: [{ token: 't' }],
      err: new Error('to https://u:p@h failed'),
    });
    expect(out).toEqual({
      lastPass: { state: 'ok' },
      nested: { sasl: CENSOR, apiKey: CENSOR, 'x-api-secret': CENSOR, cookie: CENSOR },
      list: [{ token: CENSOR }],
      err: expect.objectContaining({ message: `to https://${CENSOR}@h failed` }),
    });
  });

  it('removes registered secret values from every field and the message', () => {
    registerSecrets('hunter2-registered');
    let written = '';
    const log = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          written += chunk.toString();
          done();
        },
      }),
    });
    log.debug({ error: 'login failed for hunter2-registered' }, 'saw hunter2-registered');
    expect(written).toContain('"level":20');
    expect(written).not.toContain('hunter2-registered');
  });
});
