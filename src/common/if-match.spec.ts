import { PreconditionFailedError } from '../common/errors';
import { assertIfMatch, entityTags } from './if-match';

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

describe('entityTags', () => {
  it('reads the opaque tags of a list, weak or strong', () => {
    expect(entityTags('W/"a1", "b2" ,c3')).toEqual(['a1', 'b2', 'c3']);
  });
});
