import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signature';

describe('webhook signature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = '{"id":"1","type":"customer.created"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(secret, body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signatures and refuses a changed body, a wrong secret or an old timestamp', () => {
    const header = signatureHeader(secret, body, 1700000000);
    expect(verifySignature(secret, body, header, 1700000010)).toBe(true);
    expect(verifySignature(secret, `${body} `, header, 1700000010)).toBe(false);
    expect(verifySignature('another-secret-1234', body, header, 1700000010)).toBe(false);
    expect(verifySignature(secret, body, header, 1700000000 + 301)).toBe(false);
    expect(verifySignature(secret, body, 't=1700000000,v1=zz', 1700000000)).toBe(false);
    expect(verifySignature(secret, body, undefined)).toBe(false);
  });
});
