import { Box, Group, Stack, Text } from '@mantine/core';

export interface Series {
  label: string;
  color: string;
  /** Value → share; percentages (0-100) or fractions (0-1), told by `scale`. */
  values: Record<string, number>;
}

/**
 * Horizontal bars of one or more distributions over the same values (e.g. requested vs evaluated), with
 * the share written out: readable without colour and in a screen reader.
 */
export function DistributionBars({ series, scale = 100 }: { series: Series[]; scale?: 1 | 100 }) {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.values)))];
  return (
    <Stack gap={6}>
      {series.length > 1 && (
        <Group gap="md">
          {series.map((s) => (
            <Group gap={4} key={s.label}>
              <Box w={12} h={12} bg={s.color} style={{ borderRadius: 2 }} />
              <Text size="xs">{s.label}</Text>
            </Group>
          ))}
        </Group>
      )}
      {keys.map((key) => (
        <Box key={key}>
          <Text size="sm">{key}</Text>
          {series.map((s) => {
            const share = (s.values[key] ?? 0) / scale;
            const text = `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)}%`;
            return (
              <Group gap="xs" wrap="nowrap" key={s.label} aria-label={`${key} ${s.label} ${text}`}>
                <Box style={{ flex: 1, background: 'var(--mantine-color-gray-1)', borderRadius: 2 }} h={10}>
                  <Box
                    h={10}
                    bg={s.color}
                    style={{ width: `${Math.min(100, share * 100)}%`, borderRadius: 2 }}
                  />
                </Box>
                <Text size="xs" w={48} ta="right">
                  {text}
                </Text>
              </Group>
            );
          })}
        </Box>
      ))}
    </Stack>
  );
}
