import { defaultProbability, OPEN_STAGES, probabilityAfter } from './probability';

describe('opportunity probability', () => {
  it('starts each stage at its default', () => {
    expect(
      ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'].map((s) =>
        defaultProbability(s as never),
      ),
    ).toEqual([10, 25, 50, 75, 100, 0]);
  });

  it('gives a new opportunity its stage default unless one is given', () => {
    expect(probabilityAfter(null, { stage: 'proposal' })).toBe(50);
    expect(probabilityAfter(null, { stage: 'proposal', probability: 35 })).toBe(35);
  });

  it('resets to the new stage default on a stage change', () => {
    expect(probabilityAfter({ stage: 'lead', probability: 40 }, { stage: 'negotiation' })).toBe(75);
    expect(probabilityAfter({ stage: 'negotiation', probability: 80 }, { stage: 'lost' })).toBe(0);
  });

  it('keeps a probability given with the stage change', () => {
    expect(
      probabilityAfter({ stage: 'lead', probability: 10 }, { stage: 'qualified', probability: 30 }),
    ).toBe(30);
  });

  it('keeps the current probability when the stage does not change', () => {
    expect(probabilityAfter({ stage: 'qualified', probability: 33 }, { stage: 'qualified' })).toBe(
      33,
    );
  });

  it('counts won and lost out of the open pipeline', () => {
    expect(OPEN_STAGES).toEqual(['lead', 'qualified', 'proposal', 'negotiation']);
  });
});
