import { Textarea, TextInput } from '@mantine/core';

/** The name (unique in the company) and description fields a dataset form asks for. */
export function NameDescriptionFields(props: {
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
}) {
  return (
    <>
      <TextInput
        label="Name"
        description="Unique in your company"
        required
        value={props.name}
        onChange={(e) => props.onName(e.currentTarget.value)}
      />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        value={props.description}
        onChange={(e) => props.onDescription(e.currentTarget.value)}
      />
    </>
  );
}
