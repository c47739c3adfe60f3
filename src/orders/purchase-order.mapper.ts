import { formatMoney } from '../common/money';
import { Amendment } from './amendment.entity';
import { Payment } from './payment.entity';
import {
  AmendmentDto,
  InstalmentDto,
  OrderLineDto,
  PaymentDto,
  PurchaseOrderDto,
  ShipmentDto,
  TrancheDto,
} from './purchase-order.dto';
import { PurchaseOrder } from './purchase-order.entity';
import {
  InstalmentRow,
  LineRow,
  openQuantity,
  ShipmentWithItems,
  TrancheRow,
} from './purchase-order.repository';

type LineView = Pick<LineRow, 'id' | 'product_model_id' | 'unit_price_cents'>;
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
  | 'hashrate_ths'
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
    valueCents += (t.quantity - t.cancelled_quantity) * price;
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
    };
  };
  const lineDtos: OrderLineDto[] = lines.map((line) => ({
    id: line.id,
    productModelId: line.product_model_id,
    unitPrice: formatMoney(line.unit_price_cents),
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
      }
    }),
    createdAt: amendment.createdAt.toISOString(),
  };
}

export function toShipmentDto({ shipment, items }: ShipmentWithItems): ShipmentDto {
  return {
    id: shipment.id,
    purchaseOrderId: shipment.purchaseOrderId,
    customerId: shipment.customerId,
    shippedOn: shipment.shippedOn,
    reference: shipment.reference,
    items,
    createdAt: shipment.createdAt.toISOString(),
  };
}

export function toPaymentDto(payment: Payment): PaymentDto {
  return {
    id: payment.id,
    purchaseOrderId: payment.purchaseOrderId,
    customerId: payment.customerId,
    amount: formatMoney(payment.amountCents),
    receivedOn: payment.receivedOn,
    reference: payment.reference,
    createdAt: payment.createdAt.toISOString(),
  };
}

export function toInstalmentDto(row: InstalmentRow): InstalmentDto {
  return {
    key: row.key,
    kind: row.kind,
    trancheId: row.tranche_id,
    dueOn: row.due_on,
    amount: formatMoney(row.amount_cents),
    paidAmount: formatMoney(row.paid_cents),
    voidedAmount: formatMoney(row.voided_cents),
    status: row.status,
  };
}
