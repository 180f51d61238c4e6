import { Card, type CardProps, Loader, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * A list page's card: its query's error, a loader while pending, the empty text when the list is
 * empty, else a striped table of the given header cells and rows.
 */
export function ListCard({
  query,
  empty,
  head,
  children,
  errorAbove = false,
  ...cardProps
}: {
  query: { isPending: boolean; data?: readonly unknown[]; error: unknown };
  empty: ReactNode;
  /** The `Table.Th` cells of the header row. */
  head: ReactNode;
  /** The `Table.Tr` rows. */
  children: ReactNode;
  /** The error above the card rather than at the top inside it. */
  errorAbove?: boolean;
} & Omit<CardProps, 'children'>) {
  const error = <ErrorAlert error={query.error} />;
  return (
    <>
      {errorAbove && error}
      <Card withBorder {...cardProps}>
        {!errorAbove && error}
        {query.isPending ? (
          <Loader size="sm" />
        ) : query.data?.length === 0 ? (
          <Text c="dimmed">{empty}</Text>
        ) : (
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>{head}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>{children}</Table.Tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
