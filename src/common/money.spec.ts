import { formatMoney, parseMoney } from './money';

describe('money', () => {
  it('parses two-decimal strings to exact cents', () => {
    expect(parseMoney('3060.00')).toBe(306000);
    expect(parseMoney('0.07')).toBe(7);
    expect(parseMoney('18360000.00')).toBe(1836000000);
    expect(parseMoney('-12.34')).toBe(-1234);
  });

  it('refuses anything but exactly two decimals', () => {
    for (const bad of ['3060', '3060.0', '3060.000', '1e3', '', ' 1.00', '1,000.00']) {
      expect(() => parseMoney(bad)).toThrow();
    }
  });

  it('formats cents back to strings', () => {
    expect(formatMoney(306000)).toBe('3060.00');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(-1234)).toBe('-12.34');
    expect(formatMoney(0)).toBe('0.00');
    expect(() => formatMoney(1.5)).toThrow();
  });
});
