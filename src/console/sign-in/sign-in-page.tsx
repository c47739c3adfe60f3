import {
  Anchor,
  Button,
  Center,
  Divider,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { useSession, useSignedIn } from '../api/session';
import { ProblemAlert } from '../common/problem-alert';

/** Where to go after signing in: the page the person was on, never another site. */
function nextPath(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/dashboard';
}

export function SignInPage() {
  const [params] = useSearchParams();
  const { user } = useSession();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const config = useQuery({
    queryKey: ['/api/v1/auth/config'],
    queryFn: () => call(api.GET('/api/v1/auth/config')),
  });
  const signIn = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/sign-in', { body: { email, password } })),
    onSuccess: signedIn,
  });
  if (user) return <Navigate to={nextPath(params.get('next'))} replace />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <Center mih="100vh" bg="gray.1" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380}>
        <form onSubmit={submit}>
          <Stack>
            <div>
              <Title order={1} fz={24} c="indigo.7">
                Hashbook
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to the order book
              </Text>
            </div>
            {params.get('expired') && (
              <Text size="sm" c="orange.9" role="status">
                Your session has ended. Sign in again to continue.
              </Text>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <ProblemAlert error={signIn.error} title="Not signed in" />
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
            {config.data?.sso && config.data.ssoStartUrl && (
              <>
                <Divider label="or" labelPosition="center" />
                <Button component="a" href={config.data.ssoStartUrl} variant="default">
                  Sign in with SSO
                </Button>
              </>
            )}
            <Text size="xs" c="dimmed">
              Programs use API keys: see{' '}
              <Anchor href="/docs" underline="always">
                the API documentation
              </Anchor>
              .
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
