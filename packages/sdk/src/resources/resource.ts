import type { Dataframer } from '../client.js';

/** A group of endpoints; it reaches the transport and the helpers through the client. */
export abstract class APIResource {
  constructor(protected readonly _client: Dataframer) {}
}
