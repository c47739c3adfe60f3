/**
 * The sizes the API accepts, in one place: request validation enforces them and the OpenAPI
 * document states them. Generous on purpose: they bound what one request can make the server
 * hold, they are not business rules.
 */

/** Names, titles, subjects, legal names. */
export const NAME_MAX = 200;
/** External references, customer references, search text, plan series. */
export const REFERENCE_MAX = 100;
/** Codes such as payment-terms codes. */
export const CODE_MAX = 40;
/** Reasons given for a cancellation, reversal or correction. */
export const REASON_MAX = 500;
/** Free text: an activity's notes. */
export const NOTES_MAX = 20_000;
/** E-mail addresses (RFC 5321's path limit). */
export const EMAIL_MAX = 254;
export const PHONE_MAX = 50;
/** A product model's SKU. */
export const SKU_MAX = 64;
/** A comma-separated filter in a query (event types). */
export const FILTER_MAX = 2000;
/** Webhook target URLs. */
export const URL_MAX = 2000;
/** Webhook secrets and one-time tokens. */
export const SECRET_MAX = 200;

/** Fixed-width values: a uuid, a date YYYY-MM-DD, a month YYYY-MM, an instant in ISO 8601. */
export const UUID_LENGTH = 36;
export const DATE_LENGTH = 10;
export const MONTH_LENGTH = 7;
export const INSTANT_MAX = 35;
/** Money as a decimal string: up to 9,999,999,999,999.99 (cents stay exact in a double). */
export const MONEY_MAX_LENGTH = 16;

/** Lines of one order · tranches of one line · items of one shipment · changes of one amendment. */
export const ORDER_LINES_MAX = 100;
export const LINE_TRANCHES_MAX = 500;
export const SHIPMENT_ITEMS_MAX = 500;
export const AMENDMENT_CHANGES_MAX = 500;
/** Milestones of one set of payment terms · capacity rows of one request. */
export const MILESTONES_MAX = 20;
export const CAPACITY_ROWS_MAX = 2000;

/** Units in one tranche, line or shipment item. */
export const QUANTITY_MAX = 10_000_000;
/** Measured TH/s of one shipped item (numeric(14,2) holds far more). */
export const DELIVERED_THS_MAX = 1_000_000_000;
/** The `If-Match` header: a few entity tags. */
export const IF_MATCH_MAX = 200;
/** Largest 32-bit signed integer: the bound of every integer field without a tighter one. */
export const INT32_MAX = 2_147_483_647;

/** A list page: at most this many items; the cursor that names the next page. */
export const PAGE_LIMIT_MAX = 500;
export const CURSOR_MAX = 200;
/** A problem's `detail` and each error message (longer ones are cut), and its error list. */
export const DETAIL_MAX = 2000;
export const FIELD_ERRORS_MAX = 10_000;
