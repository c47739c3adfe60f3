import { ValidationFailedError } from '../common/errors';
import { addMonths, periodOf, periodRange, periods } from './periods';

describe('periods', () => {
  it('lists every month from from to to, inclusive', () => {
    expect(periods('2021-11', '2022-02', 'month')).toEqual([
      { period: '2021-11', start: '2021-11-01', end: '2021-12-01' },
      { period: '2021-12', start: '2021-12-01', end: '2022-01-01' },
      { period: '2022-01', start: '2022-01-01', end: '2022-02-01' },
      { period: '2022-02', start: '2022-02-01', end: '2022-03-01' },
    ]);
  });

  it('widens to the whole quarters the months touch', () => {
    expect(periods('2021-02', '2021-04', 'quarter')).toEqual([
      { period: '2021-Q1', start: '2021-01-01', end: '2021-04-01' },
      { period: '2021-Q2', start: '2021-04-01', end: '2021-07-01' },
    ]);
    expect(periods('2021-12', '2022-01', 'quarter').map((p) => p.period)).toEqual([
      '2021-Q4',
      '2022-Q1',
    ]);
  });

  it('places dates in their period and adds months across years', () => {
    expect(periodOf('2021-03-20', 'quarter')).toBe('2021-Q1');
    expect(periodOf('2021-10-01', 'quarter')).toBe('2021-Q4');
    expect(periodOf('2021-10-01', 'month')).toBe('2021-10');
    expect(addMonths('2021-11', 3)).toBe('2022-02');
    expect(addMonths('2021-01', -1)).toBe('2020-12');
  });
});

describe('periodRange', () => {
  const today = '2025-06-15';
  const months = (r: { from: string; to: string }) => [r.from, r.to];

  it('looks twelve months ahead from the month of asOf, for forecasts', () => {
    expect(months(periodRange({}, today, 'ahead'))).toEqual(['2025-06', '2026-05']);
    expect(months(periodRange({ asOf: '2024-02-29' }, today, 'ahead'))).toEqual([
      '2024-02',
      '2025-01',
    ]);
    expect(months(periodRange({ to: '2025-08' }, today, 'ahead'))).toEqual(['2025-06', '2025-08']);
  });

  it('looks back over the twelve months ending with the month of asOf, for what happened', () => {
    expect(months(periodRange({}, today, 'behind'))).toEqual(['2024-07', '2025-06']);
    expect(months(periodRange({ to: '2025-03' }, today, 'behind'))).toEqual(['2024-04', '2025-03']);
    expect(months(periodRange({ from: '2023-01' }, today, 'behind'))).toEqual([
      '2023-01',
      '2023-12',
    ]);
    const range = periodRange({ asOf: '2025-01-31', granularity: 'quarter' }, today, 'behind');
    expect(range).toMatchObject({
      asOf: '2025-01-31',
      from: '2024-02',
      to: '2025-01',
      current: false,
      granularity: 'quarter',
      bounds: { from: '2024-01-01', to: '2025-04-01' },
    });
    expect(range.list.map((p) => p.period)).toEqual([
      '2024-Q1',
      '2024-Q2',
      '2024-Q3',
      '2024-Q4',
      '2025-Q1',
    ]);
  });

  it('refuses a range that ends before it starts or spans more than 120 months', () => {
    expect(() => periodRange({ from: '2025-02', to: '2025-01' }, today, 'behind')).toThrow(
      ValidationFailedError,
    );
    expect(() => periodRange({ from: '2015-01', to: '2024-12' }, today, 'behind')).not.toThrow();
    expect(() => periodRange({ from: '2015-01', to: '2025-01' }, today, 'behind')).toThrow(
      /at most 120 months/,
    );
  });
});
