import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

type Body = Record<string, unknown>;

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function post(t: TestApp, path: string, body: Body, key?: string) {
  const res = await t
    .http()
    .post(`/api/v1${path}`)
    .set('X-API-Key', key ?? t.adminKey)
    .send(body);
  if (res.status !== 201)
    throw new Error(`POST ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An A1246-like model (90 TH/s, 3,420 W, $3,060) with a unique sku. */
export function createProductModel(t: TestApp, overrides: Body = {}, key?: string) {
  return post(
    t,
    '/product-models',
    {
      sku: unique('A1246'),
      name: 'AvalonMiner A1246',
      series: 'A12',
      hashrateThs: 90,
      powerW: 3420,
      listPrice: '3060.00',
      ...overrides,
    },
    key,
  );
}

export function createCustomer(t: TestApp, overrides: Body = {}, key?: string) {
  return post(
    t,
    '/customers',
    { name: unique('Core Scientific'), segment: 'public_miner', country: 'US', ...overrides },
    key,
  );
}

/** Creates the customer and model too unless their ids are given. */
export async function createOpportunity(t: TestApp, overrides: Body = {}, key?: string) {
  const customerId = overrides.customerId ?? (await createCustomer(t)).id;
  const productModelId = overrides.productModelId ?? (await createProductModel(t)).id;
  return post(
    t,
    '/opportunities',
    { quantity: 1000, ...overrides, customerId, productModelId },
    key,
  );
}

export function createContact(t: TestApp, customerId: string, overrides: Body = {}, key?: string) {
  return post(
    t,
    `/customers/${customerId}/contacts`,
    { name: unique('Contact'), ...overrides },
    key,
  );
}

export function createActivity(t: TestApp, customerId: string, overrides: Body = {}, key?: string) {
  return post(
    t,
    `/customers/${customerId}/activities`,
    { type: 'call', subject: 'Intro call', ...overrides },
    key,
  );
}
