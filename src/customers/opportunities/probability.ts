import type { Stage } from './opportunity.entity';

/** Win probability in percent that each stage starts with. */
export const DEFAULT_PROBABILITY: Readonly<Record<Stage, number>> = {
  lead: 10,
  qualified: 25,
  proposal: 50,
  negotiation: 75,
  won: 100,
  lost: 0,
};

/** Stages still in the pipeline (weighted into the forecast). */
export const OPEN_STAGES: readonly Stage[] = ['lead', 'qualified', 'proposal', 'negotiation'];

export function defaultProbability(stage: Stage): number {
  return DEFAULT_PROBABILITY[stage];
}

/**
 * The probability after a create (`current` null) or an update: one given in the request wins;
 * otherwise a new opportunity, or a change of stage, takes the stage's default; otherwise it stays.
 */
export function probabilityAfter(
  current: { stage: Stage; probability: number } | null,
  change: { stage: Stage; probability?: number },
): number {
  if (change.probability !== undefined) return change.probability;
  if (!current || current.stage !== change.stage) return defaultProbability(change.stage);
  return current.probability;
}
