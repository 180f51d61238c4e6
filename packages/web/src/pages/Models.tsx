import { Badge, Card, Group, Loader, Table, Text } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useModels } from '../components/ModelSelect.tsx';
import { PageHeader } from '../components/PageHeader.tsx';

export function ModelsPage() {
  const models = useModels();
  return (
    <>
      <PageHeader
        title="Models"
        subtitle="The catalog of this server: what each model is for, what it costs, and what it needs to be used."
      />
      <ErrorAlert error={models.error} />
      {models.isPending ? (
        <Loader />
      ) : (
        <Card withBorder>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Available</Table.Th>
                <Table.Th>Stages</Table.Th>
                <Table.Th>Context</Table.Th>
                <Table.Th>$ / M tokens (in / out)</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data?.models.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.id}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {m.provider}
                      {m.thinking ? ' · thinking' : ''}
                      {m.offline ? ' · offline' : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {m.available ? (
                      <Badge color="green">available</Badge>
                    ) : (
                      <Text size="xs" c="orange">
                        needs {m.requires ?? 'configuration'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {m.supported_for.map((s) => (
                        <Badge key={s} variant="outline" size="xs">
                          {s}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{m.context_window.toLocaleString()}</Table.Td>
                  <Table.Td>{m.pricing ? `${m.pricing.input} / ${m.pricing.output}` : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
