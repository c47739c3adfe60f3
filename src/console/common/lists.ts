import { api, call, type Schemas } from '../api/client';

type Order = Schemas['PurchaseOrderDto'];
type Customer = Schemas['CustomerDto'];
type Opportunity = Schemas['OpportunityDto'];

/** The lists of the list pages: their query keys and how a page of each is fetched. */
export const ordersList = (filter: {
  customerId?: string;
  status?: Order['status'];
  productModelId?: string;
}) => ({
  queryKey: ['/api/v1/purchase-orders', filter],
  fetchPage: (cursor: string | undefined) =>
    call(
      api.GET('/api/v1/purchase-orders', { params: { query: { ...filter, cursor, limit: 15 } } }),
    ),
});

export const customersList = (filter: {
  q?: string;
  ownerId?: 'me';
  segment?: Customer['segment'];
  region?: Customer['region'];
  status?: Customer['status'];
}) => ({
  queryKey: ['/api/v1/customers', filter],
  fetchPage: (cursor: string | undefined) =>
    call(api.GET('/api/v1/customers', { params: { query: { ...filter, cursor, limit: 50 } } })),
});

export const opportunitiesList = (filter: { stage?: Opportunity['stage']; ownerId?: 'me' }) => ({
  queryKey: ['/api/v1/opportunities', filter],
  fetchPage: (cursor: string | undefined) =>
    call(api.GET('/api/v1/opportunities', { params: { query: { ...filter, cursor, limit: 50 } } })),
});
