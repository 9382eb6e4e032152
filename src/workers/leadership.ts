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
    /** Longest wait for the lock's connection: a query on a connection lost mid-flight may never settle. */
    private readonly timeoutMs = 5000,
  ) {}

  /** True while this worker leads; tries to become leader when it does not. */
  async check(): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.attempt(), timedOut]);
      if (outcome !== "timeout") return outcome;
      // A connection that does not answer may be half-dead: dropped, not released into the pool.
      this.connection = undefined;
      this.held = false;
      return false;
    } catch {
      // The lock's connection is gone, and the lock with it: start again on a new connection.
      this.connection?.release();
      this.connection = undefined;
      this.held = false;
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(): Promise<boolean> {
    this.connection ??= await this.sql.reserve();
    if (this.held) {
      await this.connection`select 1`;
      return true;
    }
    const [row] = await this.connection<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(${this.name})) as locked`;
    this.held = row?.locked === true;
    return this.held;
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
