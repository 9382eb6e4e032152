import type { ReservedSql } from "postgres";
import type { Sql } from "../db/client";

// Namespace of ATP's advisory locks (first key); the second key is the hash of the service name.
const LOCK_NAMESPACE = 7402;

/**
 * Leadership of one service across every process on the database: held while one reserved
 * connection holds a session advisory lock. If that connection dies, PostgreSQL releases the lock
 * and another process's worker takes over.
 */
export class Leadership {
  private connection: ReservedSql | undefined;
  private held = false;

  constructor(
    private readonly sql: Sql,
    private readonly name: string,
  ) {}

  /** True while this worker leads; tries to become leader when it does not. */
  async check(): Promise<boolean> {
    try {
      this.connection ??= await this.sql.reserve();
      if (this.held) {
        await this.connection`select 1`;
        return true;
      }
      const [row] = await this.connection<{ locked: boolean }[]>`
        select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(${this.name})) as locked`;
      this.held = row?.locked === true;
      return this.held;
    } catch {
      // The lock's connection is gone, and the lock with it: start again on a new connection.
      this.connection?.release();
      this.connection = undefined;
      this.held = false;
      return false;
    }
  }

  /** Gives leadership up (the lock is released with its session). */
  async release(): Promise<void> {
    if (this.connection && this.held) {
      await this.connection`select pg_advisory_unlock(${LOCK_NAMESPACE}, hashtext(${this.name}))`.catch(() => {});
    }
    this.connection?.release();
    this.connection = undefined;
    this.held = false;
  }
}
