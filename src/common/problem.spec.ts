import { DETAIL_MAX, FIELD_ERRORS_MAX } from './limits';
import { problem } from './problem';

describe('problem', () => {
  it('keeps a short problem as it is', () => {
    const body = problem(400, 'VALIDATION_FAILED', 'name: too long', [
      { path: 'name', message: 'too long' },
    ]);
    expect(body).toEqual({
      type: 'https://hashbook.dev/problems/validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'name: too long',
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'name', message: 'too long' }],
    });
  });

  it('holds the documented bounds: detail and messages cut, the error list capped with a note', () => {
    const errors = Array.from({ length: FIELD_ERRORS_MAX + 5 }, (_, row) => ({
      path: `[${row}]`,
      message: 'm'.repeat(DETAIL_MAX + 10),
    }));
    const body = problem(422, 'IMPORT_INVALID', 'd'.repeat(DETAIL_MAX * 2), errors);
    expect(body.errors).toHaveLength(FIELD_ERRORS_MAX);
    expect(body.errors![0].message).toHaveLength(DETAIL_MAX);
    expect(body.detail.length).toBeLessThanOrEqual(DETAIL_MAX);
    expect(body.detail).toMatch(/\(the first 10000 errors are listed\)$/);
    expect(problem(400, 'X', 'x'.repeat(DETAIL_MAX + 1)).detail).toHaveLength(DETAIL_MAX);
  });
});
