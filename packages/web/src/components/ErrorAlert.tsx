import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api/client.ts';

/** The server's `detail`, and its `errors` per field, next to the form that caused them. */
export function ErrorAlert({ error, title = 'The request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const detail = api ? api.detail : error instanceof Error ? error.message : String(error);
  const fields = api
    ? Object.entries(api.errors).filter(([, messages]) => messages.some((m) => m !== detail))
    : [];
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {detail}
      </Text>
      {fields.length > 0 && (
        <List size="sm" mt="xs">
          {fields.map(([field, messages]) => (
            <List.Item key={field}>
              <Text span fw={600} size="sm">
                {field}
              </Text>
              : {messages.join('; ')}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
