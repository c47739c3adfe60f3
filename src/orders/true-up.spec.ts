import { trueUpCents } from './true-up';

// A line of 90 TH/s units at 28.50 per TH/s (unit price 2,565.00), 100 units: nominal 9,000 TH/s.
const line = { units: 100, unitHashrateThs: 90, pricePerThsCents: 28_50 };

describe('trueUpCents', () => {
  it('is 0 within the tolerance, both ways, and on its edge', () => {
    // 3 % of 9,000 TH/s = 270 TH/s.
    for (const deliveredThs of [8_800, 9_200, 8_730, 9_270, 9_000]) {
      expect(trueUpCents({ ...line, deliveredThs, tolerancePercent: 3 })).toBe(0);
    }
  });

  it('is the whole difference × price per TH/s beyond it', () => {
    // 8,700 − 9,000 = −300 TH/s × 28.50 = −8,550.00.
    expect(trueUpCents({ ...line, deliveredThs: 8_700, tolerancePercent: 3 })).toBe(-8_550_00);
    // 9,270.01 − 9,000 = 270.01 TH/s × 28.50 = 7,695.285 → 7,695.29.
    expect(trueUpCents({ ...line, deliveredThs: 9_270.01, tolerancePercent: 3 })).toBe(7_695_29);
    // −270.01 TH/s: −7,695.285 → −7,695.29 (half away from zero).
    expect(trueUpCents({ ...line, deliveredThs: 8_729.99, tolerancePercent: 3 })).toBe(-7_695_29);
  });

  it('trues up any difference with no tolerance', () => {
    // 0.01 TH/s × 28.50 = 0.285 → 0.29.
    expect(trueUpCents({ ...line, deliveredThs: 9_000.01, tolerancePercent: 0 })).toBe(29);
  });

  it('takes fractional tolerances and TH/s exactly', () => {
    // 10 units × 88.5 TH/s = 885 TH/s; 2.5 % = 22.125 TH/s; 907.12 is 22.12 over: inside.
    const a = { units: 10, unitHashrateThs: 88.5, pricePerThsCents: 17_25, tolerancePercent: 2.5 };
    expect(trueUpCents({ ...a, deliveredThs: 907.12 })).toBe(0);
    // 907.13 is 22.13 over: 22.13 × 17.25 = 381.7425 → 381.74.
    expect(trueUpCents({ ...a, deliveredThs: 907.13 })).toBe(381_74);
  });
});
