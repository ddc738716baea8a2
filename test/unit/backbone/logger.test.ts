import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/shared/logger.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  const secret = 'Zq8~s3cr3t.ValueThatMustNeverLeak';
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbXX0.c2lnbmF0dXJlLWJ5dGVz';

  it('never writes a secret or a bearer token, whatever object is logged', () => {
    const { stream, text } = capture();
    const logger = createLogger({ level: 'debug', destination: stream });
    logger.info(
      {
        integration: { clientId: 'abc', clientSecret: secret },
        request: { headers: { Authorization: `Bearer ${jwt}`, 'x-request-id': 'r-1' } },
        tokenResponse: { access_token: jwt, expires_in: 3599 },
        note: `retrying with Bearer ${jwt}`,
        form: `client_id=abc&client_secret=${secret}&grant_type=client_credentials`,
      },
      `calling Graph with token ${jwt}`,
    );
    logger.error(new Error(`token request client_secret=${secret} failed for Bearer ${jwt}`));
    const output = text();
    assert.ok(!output.includes(secret), `secret leaked: ${output}`);
    assert.ok(!output.includes(jwt), `token leaked: ${output}`);
    assert.ok(!output.includes('s3cr3t'), 'part of the secret leaked');
    // What is not sensitive stays, so the log is still useful.
    assert.ok(output.includes('"clientId":"abc"'));
    assert.ok(output.includes('r-1'));
    assert.ok(output.includes('calling Graph with token [redacted]'));
  });

  it('writes structured JSON lines with a level name and an ISO time', () => {
    const { stream, text } = capture();
    createLogger({ level: 'info', destination: stream }).info({ users: 3 }, 'synced');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.users, 3);
    assert.equal(line.msg, 'synced');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
  });
});
