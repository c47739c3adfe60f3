import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../api/client';

/** Product models and customers by id, for names in tables and choices in forms (first 500 each). */
export function useProductModels() {
  return useQuery({
    queryKey: ['/api/v1/product-models', { limit: 500 }],
    queryFn: () => call(api.GET('/api/v1/product-models', { params: { query: { limit: 500 } } })),
    staleTime: 60_000,
    select: (page) => page.items,
  });
}

export function useCustomers() {
  return useQuery({
    queryKey: ['/api/v1/customers', { limit: 500 }],
    queryFn: () => call(api.GET('/api/v1/customers', { params: { query: { limit: 500 } } })),
    staleTime: 60_000,
    select: (page) => page.items,
  });
}

export function byId<T extends { id: string }>(items: T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((item) => [item.id, item]));
}

export type ProductModel = Schemas['ProductModelDto'];
export type Customer = Schemas['CustomerDto'];
