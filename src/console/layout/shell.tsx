import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { api, setCsrfToken } from '../api/client';
import { useSession } from '../api/session';
import { PageLoader } from '../common/page-loader';

const PAGES = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/customers', label: 'Customers' },
  { to: '/pipeline', label: 'Pipeline' },
  { to: '/orders', label: 'Orders' },
  { to: '/delivery-plan', label: 'Delivery plan' },
  { to: '/reports', label: 'Reports' },
];

export function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const { user, can } = useSession();
  const location = useLocation();
  const signOut = async () => {
    await api.POST('/api/v1/auth/sign-out');
    setCsrfToken(null);
    // A fresh start: nothing of the session stays in memory.
    window.location.assign('/sign-in');
  };
  const pages = can('admin') ? [...PAGES, { to: '/admin', label: 'Admin' }] : PAGES;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} fz={20} c="indigo.7">
              Hashbook
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              Order book
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm" fw={500}>
              {user?.name}
            </Text>
            <Badge variant="light" aria-label={`Role ${user?.role}`}>
              {user?.role}
            </Badge>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        {pages.map((page) => (
          <NavLink
            key={page.to}
            component={Link}
            to={page.to}
            label={page.label}
            active={location.pathname.startsWith(page.to)}
            onClick={close}
            variant="filled"
            style={{ borderRadius: 6 }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
