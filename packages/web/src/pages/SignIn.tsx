import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Container,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

export function SignInPage() {
  const { client, signIn, signedOutReason } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [apiKey, setApiKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;
  const target = from && from !== '/sign-in' ? from : '/datasets';

  if (client && !busy) return <Navigate to={target} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(apiKey, remember);
      navigate(target, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Container size={460} py={80}>
      <Title order={2} mb="xs">
        Sign in to OpenFramer
      </Title>
      <Text c="dimmed" size="sm" mb="lg">
        Use an API key of this server. <Code>npx openframer keys create --company NAME --email EMAIL</Code>{' '}
        prints one.
      </Text>
      <Paper withBorder p="lg" radius="md">
        <form onSubmit={submit}>
          <Stack>
            {signedOutReason && <Alert color="yellow">{signedOutReason}</Alert>}
            <PasswordInput
              label="API key"
              autoComplete="off"
              required
              value={apiKey}
              onChange={(e) => setApiKey(e.currentTarget.value)}
            />
            <Checkbox
              label="Remember on this device"
              description="Otherwise the key is forgotten when this tab closes."
              checked={remember}
              onChange={(e) => setRemember(e.currentTarget.checked)}
            />
            <ErrorAlert error={error} title="Sign-in failed" />
            <Button type="submit" loading={busy} disabled={!apiKey.trim()}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
      <Text size="xs" c="dimmed" mt="md">
        The key stays in this browser and is sent only to this server.{' '}
        <Anchor href="/api/docs/">API docs</Anchor>
      </Text>
    </Container>
  );
}
