import { addMonths, periodOf, periods } from './periods';

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
