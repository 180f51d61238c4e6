import { randomBytes } from 'node:crypto';

export type FormEntry = [
  name: string,
  value: string | { filename: string; content: Buffer | string; type?: string },
];

/** Encodes multipart/form-data by hand, so tests control every byte (fuzzing needs broken bodies too). */
export function multipart(entries: FormEntry[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----openframer${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of entries) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if (typeof value === 'string') {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n` +
            `Content-Type: ${value.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
      );
      chunks.push(Buffer.isBuffer(value.content) ? value.content : Buffer.from(value.content));
      chunks.push(Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export const file = (filename: string, content: Buffer | string) => ({ filename, content });
