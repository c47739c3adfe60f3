/** What every error answer carries, whichever layer raised it. */
export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** A string to put in requests: an answer that contains it echoes the request. */
export const MARKER = 'zq<hb-marker>';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Asserts a problem+json answer with the security headers, its request id, and no echo. */
export function expectProblem(
  answer: Answer,
  status: number,
  code?: string,
): Record<string, unknown> {
  const context = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ status: answer.status, context }).toEqual({ status, context });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.headers).toMatchObject(SECURITY_HEADERS);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe('string');
  if (code) expect(body.code).toBe(code);
  expect(body.requestId).toBe(answer.headers['x-request-id']);
  expect(answer.text).not.toContain('hb-marker');
  expect(answer.text).not.toContain('FST_');
  return body;
}
