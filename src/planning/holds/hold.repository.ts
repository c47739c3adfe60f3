import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Hold } from './hold.entity';

/** An active hold as the plan reads it. */
export interface PlanHoldRow {
  holdId: string;
  productModelId: string;
  customerId: string;
  customerName: string;
  quantity: number;
  expiresOn: string;
  /** ISO 8601: holds are placed oldest first. */
  createdAt: string;
}

/** What converting a hold needs to know of the order. */
export interface OrderForHold {
  customerId: string;
  status: string;
  hasModel: boolean;
}

export interface HoldFilters {
  customerId?: string;
  productModelId?: string;
  /** Only holds counting on `today` (true) or only those that do not (false). */
  active?: boolean;
  today: string;
}

/** Reads and writes of the hold table. */
@Injectable()
export class HoldRepository {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async insert(
    tx: EntityManager,
    values: Pick<Hold, 'productModelId' | 'customerId' | 'quantity' | 'expiresOn' | 'note'>,
  ): Promise<Hold> {
    const repo = tx.getRepository(Hold);
    return repo.save(repo.create({ ...values, status: 'active' }));
  }

  find(db: EntityManager, id: string): Promise<Hold | null> {
    return db.getRepository(Hold).findOne({ where: { id } });
  }

  /** The hold, locked FOR UPDATE until the transaction ends. */
  lock(tx: EntityManager, id: string): Promise<Hold | null> {
    return tx.getRepository(Hold).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markReleased(tx: EntityManager, hold: Hold): Promise<Hold> {
    hold.status = 'released';
    hold.releasedAt = new Date();
    return tx.getRepository(Hold).save(hold);
  }

  async markConverted(tx: EntityManager, hold: Hold, purchaseOrderId: string): Promise<Hold> {
    hold.status = 'converted';
    hold.convertedAt = new Date();
    hold.purchaseOrderId = purchaseOrderId;
    return tx.getRepository(Hold).save(hold);
  }

  /** The list's query: its filters as `andWhere`s, for the one pagination helper. */
  listQuery(db: EntityManager, filters: HoldFilters): SelectQueryBuilder<Hold> {
    const qb = db.getRepository(Hold).createQueryBuilder('h');
    if (filters.customerId) qb.andWhere('h.customer_id = :customerId', filters);
    if (filters.productModelId) qb.andWhere('h.product_model_id = :productModelId', filters);
    if (filters.active === true) {
      qb.andWhere(`h.status = 'active' AND h.expires_on >= :today`, filters);
    } else if (filters.active === false) {
      qb.andWhere(`NOT (h.status = 'active' AND h.expires_on >= :today)`, filters);
    }
    return qb;
  }

  /**
   * The holds the plan as of the end of `asOf` places, oldest first, of these models (null: all).
   * From today on (`asOf` ≥ `today`): the holds active today. Before today: those active at the
   * end of `asOf` — created by then, not expired, and not released or converted by then (days in
   * the business time zone).
   */
  activeHolds(
    db: EntityManager,
    asOf: string,
    today: string,
    modelIds: string[] | null,
  ): Promise<PlanHoldRow[]> {
    const columns = `h.id AS "holdId", h.product_model_id AS "productModelId",
            h.customer_id AS "customerId", c.name AS "customerName", h.quantity,
            h.expires_on AS "expiresOn",
            to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;
    if (asOf >= today) {
      return db.query(
        `SELECT ${columns}
           FROM hold h JOIN customer c ON c.id = h.customer_id
          WHERE h.status = 'active' AND h.expires_on >= $1::date
            AND ($2::uuid[] IS NULL OR h.product_model_id = ANY($2::uuid[]))
          ORDER BY h.created_at, h.id`,
        [today, modelIds],
      );
    }
    return db.query(
      `SELECT ${columns}
         FROM hold h JOIN customer c ON c.id = h.customer_id
        WHERE h.expires_on >= $1::date
          AND (h.created_at AT TIME ZONE $3)::date <= $1::date
          AND (h.status = 'active'
               OR (coalesce(h.released_at, h.converted_at) AT TIME ZONE $3)::date > $1::date)
          AND ($2::uuid[] IS NULL OR h.product_model_id = ANY($2::uuid[]))
        ORDER BY h.created_at, h.id`,
      [asOf, modelIds, this.config.businessTimeZone],
    );
  }

  /** Whether a hold with this id exists, whatever its state. */
  async exists(db: EntityManager, id: string): Promise<boolean> {
    return db.getRepository(Hold).existsBy({ id });
  }

  /**
   * The order a hold converts into, key-share locked so it cannot be deleted underneath; null when
   * it does not exist.
   */
  async orderForHold(
    tx: EntityManager,
    purchaseOrderId: string,
    productModelId: string,
  ): Promise<OrderForHold | null> {
    const rows: OrderForHold[] = await tx.query(
      `SELECT o.customer_id AS "customerId", o.status,
              EXISTS (SELECT 1 FROM tranche t
                       WHERE t.purchase_order_id = o.id AND t.product_model_id = $2) AS "hasModel"
         FROM purchase_order o
        WHERE o.id = $1
          FOR KEY SHARE OF o`,
      [purchaseOrderId, productModelId],
    );
    return rows[0] ?? null;
  }
}
