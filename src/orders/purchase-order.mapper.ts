import { formatMoney } from '../common/money';
import { Amendment } from './amendment.entity';
import {
  AmendmentDto,
  InstalmentDto,
  OrderLineDto,
  PaymentDto,
  PurchaseOrderDto,
  RefundDto,
  ShipmentDto,
  TrancheDto,
} from './purchase-order.dto';
import { PurchaseOrder } from './purchase-order.entity';
import {
  LineRow,
  openQuantity,
  PaymentWithReversal,
  ShipmentWithItems,
  TrancheRow,
} from './purchase-order.repository';
import { Refund } from './refund.entity';
import { Instalment } from './timeline.entity';

type LineView = Pick<
  LineRow,
  'id' | 'product_model_id' | 'unit_price_cents' | 'price_per_ths_cents' | 'unit_hashrate_ths'
>;
type TrancheView = Pick<
  TrancheRow,
  | 'id'
  | 'line_id'
  | 'sequence'
  | 'ship_date'
  | 'quantity'
  | 'unit_price_cents'
  | 'shipped_quantity'
  | 'cancelled_quantity'
  | 'shipped_value_cents'
  | 'hashrate_ths'
  | 'option_quantity'
  | 'exercised_quantity'
  | 'option_exercise_by'
>;

/** TH/s × units summed in hundredths, so 0.01 TH/s steps add up exactly. */
const hashrateHundredths = (ths: number) => Math.round(ths * 100);

export function toPurchaseOrderDto({
  order,
  lines,
  tranches,
}: {
  order: PurchaseOrder;
  lines: LineView[];
  tranches: TrancheView[];
}): PurchaseOrderDto {
  let quantity = 0;
  let valueCents = 0;
  let shipped = 0;
  let cancelled = 0;
  let openValueCents = 0;
  let hashrate = 0;
  const toTranche = (t: TrancheView): TrancheDto => {
    const open = openQuantity(t);
    const price = t.unit_price_cents;
    quantity += t.quantity;
    // Shipped units at the prices they shipped at, open ones at the price in force.
    valueCents += t.shipped_value_cents + open * price;
    shipped += t.shipped_quantity;
    cancelled += t.cancelled_quantity;
    openValueCents += open * price;
    hashrate += (t.quantity - t.cancelled_quantity) * hashrateHundredths(t.hashrate_ths);
    return {
      id: t.id,
      sequence: t.sequence,
      shipDate: t.ship_date,
      quantity: t.quantity,
      unitPrice: formatMoney(price),
      shippedQuantity: t.shipped_quantity,
      cancelledQuantity: t.cancelled_quantity,
      openQuantity: open,
      optionQuantity: t.option_quantity,
      exercisedQuantity: t.exercised_quantity,
      optionExerciseBy: t.option_exercise_by,
    };
  };
  const lineDtos: OrderLineDto[] = lines.map((line) => ({
    id: line.id,
    productModelId: line.product_model_id,
    unitPrice: formatMoney(line.unit_price_cents),
    pricePerThs: line.price_per_ths_cents === null ? null : formatMoney(line.price_per_ths_cents),
    unitHashrateThs: line.unit_hashrate_ths,
    tranches: tranches.filter((t) => t.line_id === line.id).map(toTranche),
  }));
  return {
    id: order.id,
    number: order.number,
    customerId: order.customerId,
    signedOn: order.signedOn,
    paymentTermsCode: order.paymentTermsCode,
    customerReference: order.customerReference,
    externalRef: order.externalRef,
    status: order.status,
    version: order.version,
    hashrateTolerancePercent: order.hashrateTolerancePercent,
    lines: lineDtos,
    totals: {
      quantity,
      value: formatMoney(valueCents),
      shippedQuantity: shipped,
      cancelledQuantity: cancelled,
      openQuantity: quantity - shipped - cancelled,
      openValue: formatMoney(openValueCents),
      hashrateThs: hashrate / 100,
    },
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    confirmedAt: order.confirmedAt ? order.confirmedAt.toISOString() : null,
  };
}

export function toAmendmentDto(amendment: Amendment): AmendmentDto {
  return {
    id: amendment.id,
    purchaseOrderId: amendment.purchaseOrderId,
    kind: amendment.kind,
    effectiveOn: amendment.effectiveOn,
    reason: amendment.reason,
    changes: amendment.changes.map((change) => {
      switch (change.type) {
        case 'reschedule':
          return { type: change.type, trancheId: change.trancheId, shipDate: change.shipDate };
        case 'set_quantity':
          return { type: change.type, trancheId: change.trancheId, quantity: change.quantity };
        case 'cancel':
          return { type: change.type, trancheId: change.trancheId, cancel: true };
        case 'add_tranche':
          return {
            type: change.type,
            trancheId: change.trancheId,
            shipDate: change.shipDate,
            quantity: change.quantity,
            unitPrice: formatMoney(change.unitPriceCents),
          };
        case 'price_change':
          return {
            type: change.type,
            trancheId: change.trancheId,
            unitPrice: formatMoney(change.unitPriceCents),
          };
      }
    }),
    createdAt: amendment.createdAt.toISOString(),
  };
}

export function toShipmentDto({ shipment, items, reversal }: ShipmentWithItems): ShipmentDto {
  const measured = items.filter((i) => i.deliveredThs !== null);
  return {
    id: shipment.id,
    purchaseOrderId: shipment.purchaseOrderId,
    customerId: shipment.customerId,
    shippedOn: shipment.shippedOn,
    reference: shipment.reference,
    externalRef: shipment.externalRef,
    items: items.map((i) => ({
      trancheId: i.trancheId,
      quantity: i.quantity,
      deliveredThs: i.deliveredThs,
      trueUp: formatMoney(i.trueUpCents),
    })),
    deliveredThs:
      measured.length === 0
        ? null
        : measured.reduce((sum, i) => sum + hashrateHundredths(i.deliveredThs!), 0) / 100,
    trueUp: formatMoney(items.reduce((sum, i) => sum + i.trueUpCents, 0)),
    reversedOn: reversal?.reversedOn ?? null,
    reversalReason: reversal?.reason ?? null,
    createdAt: shipment.createdAt.toISOString(),
  };
}

export function toPaymentDto({ payment, reversal }: PaymentWithReversal): PaymentDto {
  return {
    id: payment.id,
    purchaseOrderId: payment.purchaseOrderId,
    customerId: payment.customerId,
    amount: formatMoney(payment.amountCents),
    receivedOn: payment.receivedOn,
    reference: payment.reference,
    externalRef: payment.externalRef,
    reversedOn: reversal?.reversedOn ?? null,
    reversalReason: reversal?.reason ?? null,
    createdAt: payment.createdAt.toISOString(),
  };
}

export function toRefundDto(refund: Refund): RefundDto {
  return {
    id: refund.id,
    purchaseOrderId: refund.purchaseOrderId,
    customerId: refund.customerId,
    amount: formatMoney(refund.amountCents),
    paidOn: refund.paidOn,
    reference: refund.reference,
    externalRef: refund.externalRef,
    createdAt: refund.createdAt.toISOString(),
  };
}

export function toInstalmentDto(instalment: Instalment): InstalmentDto {
  return {
    key: instalment.key,
    kind: instalment.kind,
    trancheId: instalment.trancheId,
    dueOn: instalment.dueOn,
    amount: formatMoney(instalment.amountCents),
    paidAmount: formatMoney(instalment.paidCents),
    voidedAmount: formatMoney(instalment.voidedCents),
    status: instalment.status,
  };
}
