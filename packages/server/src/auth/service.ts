import { ConflictError, InvalidInputError, OpenFramerError } from '@openframer/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import { addDays, newId, nowIso } from '../util.js';
import { generateApiKey, hashApiKey, maskApiKey } from './keys.js';

/** Who is calling: resolved from the API key on every request. */
export interface Principal {
  companyId: string;
  companyName: string;
  userId: string;
  email: string;
  apiKeyId: string;
}

export interface IssuedKey {
  api_key: string;
  masked_key: string;
  expires_at: string;
}

export type KeyOrigin = 'init' | 'cli' | 'rotate';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class AuthService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { apiKeyTtlDays: number; rotationsPerHourPerIp: number },
  ) {}

  /** Finds or creates the company and user, then issues a new key for the user. */
  async createKey(input: {
    company: string;
    email: string;
    origin: KeyOrigin;
    key?: string;
  }): Promise<IssuedKey> {
    const company = input.company.trim();
    const email = input.email.trim().toLowerCase();
    if (!company) throw new InvalidInputError('company must not be empty', 'company');
    if (!EMAIL.test(email)) throw new InvalidInputError(`"${input.email}" is not an email address`, 'email');
    return this.db.transaction().execute(async (trx) => {
      const userId = await ensureUser(trx, company, email);
      return issueKey(trx, userId, input.origin, this.options.apiKeyTtlDays, null, input.key);
    });
  }

  /**
   * Headless set-up: the company, user and key from OPENFRAMER_INIT_*. Idempotent: a key that already
   * exists is left alone, so restarting with the same variables changes nothing.
   */
  async ensureInitKey(init: { apiKey: string; userEmail: string; company: string }): Promise<boolean> {
    const existing = await this.db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashApiKey(init.apiKey))
      .executeTakeFirst();
    if (existing) return false;
    await this.createKey({ company: init.company, email: init.userEmail, origin: 'init', key: init.apiKey });
    return true;
  }

  /** Resolves a bearer key; undefined for an unknown, revoked or expired key. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .innerJoin('companies as c', 'c.id', 'k.company_id')
      .select([
        'k.id as key_id',
        'k.expires_at',
        'k.revoked_at',
        'u.id as user_id',
        'u.email',
        'c.id as company_id',
      ])
      .select('c.name as company_name')
      .where('k.key_hash', '=', hashApiKey(key))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= nowIso()) return undefined;
    return {
      companyId: row.company_id,
      companyName: row.company_name,
      userId: row.user_id,
      email: row.email,
      apiKeyId: row.key_id,
    };
  }

  /**
   * Issues a new key for the caller and revokes the one used for the call, in one transaction.
   * At most `rotationsPerHourPerIp` rotations per hour from one address, counted in the database so the
   * limit holds across server instances.
   */
  async rotate(principal: Principal, ip: string): Promise<IssuedKey> {
    return this.db.transaction().execute(async (trx) => {
      const since = nowIso(new Date(Date.now() - 3_600_000));
      const recent = await trx
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('origin', '=', 'rotate')
        .where('created_ip', '=', ip)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(recent.n) >= this.options.rotationsPerHourPerIp) {
        throw new OpenFramerError(
          'rate_limited',
          `Rate limited to ${this.options.rotationsPerHourPerIp} requests per hour per IP address`,
        );
      }
      await trx
        .updateTable('api_keys')
        .set({ revoked_at: nowIso() })
        .where('id', '=', principal.apiKeyId)
        .execute();
      return issueKey(trx, principal.userId, 'rotate', this.options.apiKeyTtlDays, ip);
    });
  }

  async touch(apiKeyId: string): Promise<void> {
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: nowIso() })
      .where('id', '=', apiKeyId)
      .execute();
  }
}

async function ensureUser(trx: Kysely<Database>, companyName: string, email: string): Promise<string> {
  let company = await trx
    .selectFrom('companies')
    .select('id')
    .where('name', '=', companyName)
    .executeTakeFirst();
  if (!company) {
    company = { id: newId() };
    await trx
      .insertInto('companies')
      .values({ id: company.id, name: companyName, created_at: nowIso() })
      .execute();
  }
  const user = await trx
    .selectFrom('users')
    .select(['id', 'company_id'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (user) {
    if (user.company_id !== company.id) {
      throw new ConflictError(`user ${email} already belongs to another company`, 'email');
    }
    return user.id;
  }
  const id = newId();
  await trx.insertInto('users').values({ id, company_id: company.id, email, created_at: nowIso() }).execute();
  return id;
}

async function issueKey(
  trx: Kysely<Database>,
  userId: string,
  origin: KeyOrigin,
  ttlDays: number,
  ip: string | null,
  givenKey?: string,
): Promise<IssuedKey> {
  const user = await trx
    .selectFrom('users')
    .select(['company_id'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const apiKey = givenKey ?? generateApiKey();
  const now = new Date();
  const expiresAt = nowIso(addDays(now, ttlDays));
  await trx
    .insertInto('api_keys')
    .values({
      id: newId(),
      company_id: user.company_id,
      user_id: userId,
      key_hash: hashApiKey(apiKey),
      masked_key: maskApiKey(apiKey),
      origin,
      created_ip: ip,
      created_at: nowIso(now),
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return { api_key: apiKey, masked_key: maskApiKey(apiKey), expires_at: expiresAt };
}
