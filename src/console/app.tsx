import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { useSession } from './api/session';
import { PageLoader } from './common/page-loader';
import { Shell } from './layout/shell';
import { SignInPage } from './sign-in/sign-in-page';

const page = <T extends Record<string, React.ComponentType>>(
  load: () => Promise<T>,
  name: keyof T,
) => lazy(async () => ({ default: (await load())[name] }));

const DashboardPage = page(() => import('./dashboard/dashboard-page'), 'DashboardPage');
const CustomersPage = page(() => import('./customers/customers-page'), 'CustomersPage');
const CustomerPage = page(() => import('./customers/customer-page'), 'CustomerPage');
const PipelinePage = page(() => import('./pipeline/pipeline-page'), 'PipelinePage');
const OrdersPage = page(() => import('./orders/orders-page'), 'OrdersPage');
const OrderPage = page(() => import('./orders/order-page'), 'OrderPage');
const DeliveryPlanPage = page(() => import('./planning/delivery-plan-page'), 'DeliveryPlanPage');
const ReportsPage = page(() => import('./reports/reports-page'), 'ReportsPage');
const AdminPage = page(() => import('./admin/admin-page'), 'AdminPage');

/** Pages behind sign-in: without a session, to sign-in, and back here afterwards. */
function SignedIn({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return <PageLoader />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return children;
}

function AdminOnly({ children }: { children: ReactNode }) {
  const { can } = useSession();
  return can('admin') ? children : <Navigate to="/dashboard" replace />;
}

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: (
      <SignedIn>
        <Shell />
      </SignedIn>
    ),
    children: [
      { index: true, element: <Navigate to="/dashboard" replace /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'customers', element: <CustomersPage /> },
      { path: 'customers/:id', element: <CustomerPage /> },
      { path: 'pipeline', element: <PipelinePage /> },
      { path: 'orders', element: <OrdersPage /> },
      { path: 'orders/:id', element: <OrderPage /> },
      { path: 'delivery-plan', element: <DeliveryPlanPage /> },
      { path: 'reports', element: <ReportsPage /> },
      { path: 'reports/:report', element: <ReportsPage /> },
      {
        path: 'admin',
        element: (
          <AdminOnly>
            <AdminPage />
          </AdminOnly>
        ),
      },
      { path: '*', element: <Navigate to="/dashboard" replace /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
