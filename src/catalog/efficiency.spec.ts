import { efficiencyJth } from './efficiency';

describe('efficiencyJth', () => {
  it('divides watts by TH/s to one decimal', () => {
    expect(efficiencyJth(3420, 90)).toBe(38);
    expect(efficiencyJth(3402, 81)).toBe(42);
    expect(efficiencyJth(3230, 150)).toBe(21.5);
    expect(efficiencyJth(3300, 110)).toBe(30);
  });

  it('rounds half up on exact halves', () => {
    // 1001 / 20 = 50.05 exactly: half up gives 50.1 (binary floats would give 50.0).
    expect(efficiencyJth(1001, 20)).toBe(50.1);
    expect(efficiencyJth(3255, 100)).toBe(32.6);
    expect(efficiencyJth(3254, 100)).toBe(32.5);
  });

  it('handles hashrates with two decimals', () => {
    // 3500 / 104.17 = 33.5989…
    expect(efficiencyJth(3500, 104.17)).toBe(33.6);
    // 100 / 0.01 = 10000
    expect(efficiencyJth(100, 0.01)).toBe(10000);
  });

  it('refuses a zero hashrate', () => {
    expect(() => efficiencyJth(3420, 0)).toThrow();
  });
});
