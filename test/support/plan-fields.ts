import type { PlanTrancheRow } from '../../src/planning/plan.queries';

/** A tranche the plan read, as a plain object of its fields (its ids are getters, not own fields). */
export function trancheFields(t: PlanTrancheRow): PlanTrancheRow {
  return {
    trancheId: t.trancheId,
    purchaseOrderId: t.purchaseOrderId,
    customerId: t.customerId,
    productModelId: t.productModelId,
    orderNumber: t.orderNumber,
    signedOn: t.signedOn,
    shipDate: t.shipDate,
    sequence: t.sequence,
    openUnits: t.openUnits,
    unitPriceCents: t.unitPriceCents,
  };
}
