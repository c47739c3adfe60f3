import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './connection-errors';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset socket', withCode('ECONNRESET')],
    ['an administrator shutdown (57P01)', withCode('57P01', 'terminating connection')],
    [
      'a server starting or stopping (57P03)',
      withCode('57P03', 'the database system is starting up'),
    ],
    ['a connection exception (class 08)', withCode('08006')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that gave up waiting', new Error('timeout exceeded when trying to connect')],
    [
      'a dual-stack refusal',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
    ],
    [
      'a transaction whose connection was dropped between statements',
      Object.assign(new Error('Query runner already released'), {
        name: 'QueryRunnerAlreadyReleasedError',
      }),
    ],
    [
      'a statement through a transaction manager whose connection was dropped',
      Object.assign(
        new Error('Database connection provided by a query runner was already released'),
        {
          name: 'QueryRunnerProviderAlreadyReleasedError',
        },
      ),
    ],
    [
      'a driver error wrapped by TypeORM',
      new QueryFailedError('SELECT 1', [], withCode('57P01', 'terminating connection')),
    ],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('23505'))],
    ['a serialization failure', withCode('40001')],
    ['a syntax error', withCode('42601')],
    ['a plain failure', new Error('boom')],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('leaves %s alone', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
