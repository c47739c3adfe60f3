import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { centsColumn, createdAtColumn } from '../database/columns';

// The columns every record booked against an order shares (shipments, payments, refunds and the
// reversals), declared once; each entity adds its own date, keys and relations.

/** A record booked against an order, for its customer. */
export abstract class OrderEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column(createdAtColumn)
  createdAt: Date;
}

/** An entry the ERP may name: a free reference, and its own externalRef, unique per kind. */
export abstract class ReferencedEntry extends OrderEntry {
  @Column({ type: 'varchar', length: 100, nullable: true })
  reference: string | null;

  /** The ERP's own reference; unique among the records of its kind. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;
}

/** Money received or paid back. */
export abstract class MoneyEntry extends ReferencedEntry {
  @Column(centsColumn())
  amountCents: number;
}

/** A payment or a shipment taken back from `reversedOn`; the record reversed is never edited. */
export abstract class ReversalEntry extends OrderEntry {
  @Column({ type: 'date' })
  reversedOn: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;
}
