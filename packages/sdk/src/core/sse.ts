import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError, APIUserAbortError } from './errors.js';

/**
 * The events of a `text/event-stream` response, parsed as they arrive. Stops when the server closes the
 * stream; leaving the loop early closes the connection.
 */
export async function* serverSentEvents(
  res: Response,
  signal?: AbortSignal,
): AsyncGenerator<EventSourceMessage> {
  if (!res.body) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal?.aborted) throw new APIUserAbortError();
        throw new APIConnectionError({ message: 'the event stream broke', cause: err });
      }
      if (chunk.done) break;
      parser.feed(chunk.value);
      while (queue.length > 0) yield queue.shift()!;
    }
    parser.reset({ consume: true });
    while (queue.length > 0) yield queue.shift()!;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
