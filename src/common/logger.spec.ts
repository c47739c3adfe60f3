import { loggedUrl } from './logger';

describe('logged URLs', () => {
  it('replace the values of secret query parameters and keep the rest', () => {
    expect(loggedUrl('/api/v1/auth/oidc/callback?code=abc&state=xyz&iss=https%3A%2F%2Fidp')).toBe(
      '/api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    );
    expect(loggedUrl('/x?token=t1&limit=5&Access_Token=t2')).toBe(
      '/x?token=[redacted]&limit=5&Access_Token=[redacted]',
    );
    expect(loggedUrl('/api/v1/customers?limit=5&codeName=kept')).toBe(
      '/api/v1/customers?limit=5&codeName=kept',
    );
    expect(loggedUrl('/api/v1/customers')).toBe('/api/v1/customers');
  });
});
