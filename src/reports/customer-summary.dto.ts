import { ApiProperty } from '@nestjs/swagger';

const money = (description: string) =>
  ApiProperty({ type: 'string', example: '0.00', description: `${description}, USD` });

/** A customer at a glance: its orders, money and pipeline as of today. */
export class CustomerSummaryDto {
  customerId: string;
  /** The business date the figures are for (today). */
  @ApiProperty({ type: 'string', format: 'date' })
  asOf: string;
  /** Confirmed orders with units still open. */
  @ApiProperty({ type: 'integer' })
  openOrders: number;
  /** Units contracted, not yet shipped nor cancelled. */
  @ApiProperty({ type: 'integer' })
  backlogUnits: number;
  @money('Value of the backlog units')
  backlogValue: string;
  @ApiProperty({ type: 'integer' })
  shippedUnits: number;
  @money('Shipped units × their unit price')
  recognizedRevenue: string;
  @money('Payments received less payments reversed, gross of refunds')
  cashReceived: string;
  @money('Unapplied credit paid back')
  refunded: string;
  @money('Cash received for units not yet shipped, plus unapplied credit')
  contractLiability: string;
  @money('Shipped value not yet paid')
  receivable: string;
  @money('What instalments due before today still owe (neither paid nor voided)')
  overdueAmount: string;
  @money(
    'Σ over open opportunities (stages lead to negotiation) of quantity × unit price × probability, rounded half up to the cent',
  )
  weightedPipelineValue: string;
  /** The latest `occurredAt` of its activities, or null. */
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  lastActivityAt: string | null;
}
