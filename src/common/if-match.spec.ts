import { PreconditionFailedError } from '../common/errors';
import { assertIfMatch } from './if-match';

describe('assertIfMatch', () => {
  it('passes without a header or with *', () => {
    expect(() => assertIfMatch(undefined, 3)).not.toThrow();
    expect(() => assertIfMatch('*', 3)).not.toThrow();
  });

  it('accepts the current version quoted, weak or bare, alone or in a list', () => {
    for (const header of ['"3"', 'W/"3"', '3', '"1", "3"']) {
      expect(() => assertIfMatch(header, 3)).not.toThrow();
    }
  });

  it('refuses any other version with 412', () => {
    for (const header of ['"2"', '"30"', 'garbage', '"1", "2"']) {
      expect(() => assertIfMatch(header, 3)).toThrow(PreconditionFailedError);
    }
  });
});
