import { Select, type SelectProps } from '@mantine/core';
import type { Model } from '@openframer/sdk/types';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/AuthContext.tsx';

export type Stage = Model['supported_for'][number];

export function useModels() {
  const api = useApi();
  return useQuery({ queryKey: ['models'], queryFn: () => api.models(), staleTime: 60_000 });
}

/**
 * Models that suit a stage, available ones first; an unavailable one says what it needs (a provider key)
 * and cannot be picked.
 */
export function ModelSelect({ stage, ...props }: { stage: Stage } & Omit<SelectProps, 'data'>) {
  const models = useModels();
  const suitable = (models.data?.models ?? []).filter((m) => m.supported_for.includes(stage) || m.offline);
  const byAvailability = [...suitable].sort((a, b) => Number(b.available) - Number(a.available));
  const data = [
    {
      group: 'Available',
      items: byAvailability.filter((m) => m.available).map((m) => ({ value: m.id, label: m.id })),
    },
    {
      group: 'Needs configuration',
      items: byAvailability
        .filter((m) => !m.available)
        .map((m) => ({
          value: m.id,
          label: `${m.id} — needs ${m.requires ?? 'configuration'}`,
          disabled: true,
        })),
    },
  ].filter((g) => g.items.length > 0);
  return <Select searchable data={data} nothingFoundMessage="No such model" {...props} />;
}
