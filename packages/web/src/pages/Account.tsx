import { Alert, Button, Card, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { RotatedApiKey } from '@openframer/sdk/types';
import { useState } from 'react';
import { useApi, useAuth } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { formatDate } from '../components/format.ts';
import { PageHeader } from '../components/PageHeader.tsx';

/**
 * The API key of this session: rotate it (POST /api/users/api-key/rotate). The new key is shown once, here,
 * and this tab goes on with it; the old one stops working at once, everywhere.
 */
export function AccountPage() {
  const api = useApi();
  const { replaceKey } = useAuth();
  const [rotated, setRotated] = useState<RotatedApiKey | null>(null);
  return (
    <>
      <PageHeader title="Account" subtitle="The API key this browser signed in with." />
      <Card withBorder maw={720}>
        <Stack gap="sm">
          <Text fw={600}>Rotate the API key</Text>
          <Text size="sm">
            Issues a new key and revokes the one in use. Scripts, the CLI or other tabs using the old key stop
            working until they get the new one. At most 5 rotations per hour.
          </Text>
          <Group>
            <ConfirmButton
              label="Rotate API key"
              color="orange"
              question="Issue a new API key and revoke the current one now?"
              onConfirm={async () => {
                const key = await api.account.rotateKey();
                replaceKey(key.api_key);
                setRotated(key);
              }}
            />
          </Group>
          {rotated && (
            <Alert color="orange" title="Your new API key: copy it now" role="status">
              <Stack gap="xs">
                <Text size="sm">
                  It is shown only this once. The old key has stopped working; this tab already uses the new
                  one.
                </Text>
                <Group gap="xs" wrap="nowrap">
                  <Code data-testid="new-api-key" style={{ wordBreak: 'break-all' }}>
                    {rotated.api_key}
                  </Code>
                  <CopyButton value={rotated.api_key}>
                    {({ copied, copy }) => (
                      <Button size="xs" variant="light" onClick={copy}>
                        {copied ? 'Copied' : 'Copy'}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
                <Text size="xs" c="dimmed">
                  {rotated.masked_key} · expires {formatDate(rotated.expires_at)}
                </Text>
                <Group>
                  <Button size="xs" variant="default" onClick={() => setRotated(null)}>
                    I have stored it
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
        </Stack>
      </Card>
    </>
  );
}
