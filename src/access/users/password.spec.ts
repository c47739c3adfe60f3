import { hashPassword, passwordProblems, verifyPassword } from './password';

describe('passwords', () => {
  it('hashes with argon2id, salted, and verifies only the same password', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    await expect(verifyPassword(first, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(first, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('answers false without a stored hash (checking a stand-in instead) or with a broken one', async () => {
    await expect(verifyPassword(null, 'anything at all, really')).resolves.toBe(false);
    await expect(verifyPassword('not-a-hash', 'anything at all, really')).resolves.toBe(false);
  });

  it('wants 12 characters or more, at most 256, and not the email', () => {
    expect(passwordProblems('twelve chars', 'a@b.example')).toEqual([]);
    expect(passwordProblems('eleven char', 'a@b.example')).toEqual([
      'must be at least 12 characters',
    ]);
    // Characters, not UTF-16 units: 12 emoji are 12 characters.
    expect(passwordProblems('🔑'.repeat(11), 'a@b.example')).toEqual([
      'must be at least 12 characters',
    ]);
    expect(passwordProblems('x'.repeat(257), 'a@b.example')).toEqual([
      'must be at most 256 characters',
    ]);
    expect(passwordProblems('Mei.Lin@Example.com', 'mei.lin@example.com')).toEqual([
      'must not be the email address',
    ]);
  });
});
