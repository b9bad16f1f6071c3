import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@shared/errors';
import type { Db } from './db';
import type { AnnotatorRecord } from './rows';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type Role = AnnotatorRecord['role'];

/** Annotator accounts. Only a token's SHA-256 is stored; the token itself is shown once, when created. */
export class AccountRepo {
  private readonly sql;

  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {
    this.sql = {
      idByName: db.prepare<[string], number>('SELECT id FROM annotators WHERE name = ?').pluck(),
      byName: db.prepare<[string], { id: number; token_hash: string | null }>(
        'SELECT id, token_hash FROM annotators WHERE name = ?',
      ),
      insertLocal: db.prepare(`INSERT INTO annotators (name, role, created_at) VALUES (?, 'annotator', ?)`),
      insert: db.prepare('INSERT INTO annotators (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)'),
      setToken: db.prepare('UPDATE annotators SET token_hash = ?, role = ? WHERE id = ?'),
      byToken: db.prepare<[string], { id: number; name: string; role: Role }>(
        'SELECT id, name, role FROM annotators WHERE token_hash = ?',
      ),
      all: db.prepare<[], { id: number; name: string; role: Role; has_token: number }>(
        'SELECT id, name, role, token_hash IS NOT NULL AS has_token FROM annotators ORDER BY id',
      ),
      revoke: db.prepare('UPDATE annotators SET token_hash = NULL WHERE name = ? AND token_hash IS NOT NULL'),
      anyToken: db.prepare('SELECT 1 FROM annotators WHERE token_hash IS NOT NULL LIMIT 1'),
    };
  }

  /** The id of a named annotator, created on first use (local annotators have no token). */
  idOf(name: string): number {
    return this.sql.idByName.get(name) ?? Number(this.sql.insertLocal.run(name, this.now()).lastInsertRowid);
  }

  /** Creates an account with a fresh token; a name that already has a token is refused. */
  add(name: string, role: Role): { id: number; token: string } {
    const token = randomBytes(24).toString('base64url');
    return this.db.transaction(() => {
      const existing = this.sql.byName.get(name);
      if (existing?.token_hash)
        throw new AppError('conflict', `annotator "${name}" already has an account`, 'name');
      if (existing) {
        this.sql.setToken.run(hashToken(token), role, existing.id);
        return { id: existing.id, token };
      }
      return {
        id: Number(this.sql.insert.run(name, role, hashToken(token), this.now()).lastInsertRowid),
        token,
      };
    })();
  }

  byToken(token: string): AnnotatorRecord | null {
    const row = this.sql.byToken.get(hashToken(token));
    return row ? { ...row, hasToken: true } : null;
  }

  list(): AnnotatorRecord[] {
    return this.sql.all
      .all()
      .map((r) => ({ id: r.id, name: r.name, role: r.role, hasToken: r.has_token === 1 }));
  }

  /** Removes an account's token (it stops working at once); false when the name has none. */
  revoke(name: string): boolean {
    if (this.sql.idByName.get(name) === undefined)
      throw new AppError('not_found', `no annotator "${name}"`, 'name');
    return this.sql.revoke.run(name).changes > 0;
  }

  hasTokens(): boolean {
    return this.sql.anyToken.get() !== undefined;
  }
}
