import type { ReservedSql, TransactionSql } from "postgres";
import type { Sql } from "../db/client";

// Namespace of ATP's advisory locks (first key); the second key is the hash of the service name.
const LOCK_NAMESPACE = 7402;
// The fence: every leader's write transaction holds it shared; a new leader takes it exclusively once.
const FENCE_NAMESPACE = 7403;

/** A write of a worker that no longer holds its service's lock: refused, the transaction rolls back. */
export class LeadershipLost extends Error {
  override name = "LeadershipLost";
  constructor(service: string) {
    super(`${service}: this process no longer holds the leadership; the write was not made`);
  }
}

/**
 * Leadership of one service across every process on the database: held while one reserved
 * connection holds a session advisory lock. If that connection dies, PostgreSQL releases the lock
 * and another process's worker takes over.
 */
export class Leadership {
  private connection: ReservedSql | undefined;
  private held = false;
  /** The backend holding the lock while held: a fenced write checks that it still does. */
  private lockPid: number | undefined;

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
      this.lockPid = undefined;
      return false;
    } catch {
      // The lock's connection is gone, and the lock with it: start again on a new connection.
      this.connection?.release();
      this.connection = undefined;
      this.held = false;
      this.lockPid = undefined;
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
    const [row] = await this.connection<{ locked: boolean; pid: number }[]>`
      select pg_try_advisory_lock(${LOCK_NAMESPACE}, hashtext(${this.name})) as locked, pg_backend_pid() as pid`;
    if (row?.locked !== true) return false;
    // Wait out the write transactions a previous leader began before it lost the lock: none commits after ours.
    await this.connection`select pg_advisory_lock(${FENCE_NAMESPACE}, hashtext(${this.name}))`;
    await this.connection`select pg_advisory_unlock(${FENCE_NAMESPACE}, hashtext(${this.name}))`;
    this.lockPid = row.pid;
    this.held = true;
    return true;
  }

  /**
   * Fences one write transaction: holds the fence shared until it ends and checks that this process's lock
   * backend still holds the lock. A leader whose lock connection died (the lock went with it) gets
   * LeadershipLost before writing anything, and a new leader waits for a fenced transaction under way.
   */
  async fence(tx: TransactionSql): Promise<void> {
    const pid = this.lockPid;
    if (!this.held || pid === undefined) throw new LeadershipLost(this.name);
    await tx`select pg_advisory_xact_lock_shared(${FENCE_NAMESPACE}, hashtext(${this.name}))`;
    const [row] = await tx<{ leading: boolean }[]>`
      select exists (
        select 1 from pg_locks
        where locktype = 'advisory' and classid = ${LOCK_NAMESPACE} and objid = hashtext(${this.name})::oid
          and objsubid = 2 and pid = ${pid} and granted
      ) as leading`;
    if (row?.leading !== true) {
      this.held = false;
      throw new LeadershipLost(this.name);
    }
  }

  /** The pool with every `begin()` fenced: a transaction opened through it writes only while this process leads. */
  fenced(sql: Sql): Sql {
    const fence = (tx: TransactionSql) => this.fence(tx);
    return new Proxy(sql, {
      get(target, property, receiver) {
        if (property === "begin") {
          return (...args: unknown[]) => {
            const body = args.pop() as (tx: TransactionSql) => unknown;
            return (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, async (tx: TransactionSql) => {
              await fence(tx);
              return body(tx);
            });
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** Gives leadership up (the lock is released with its session). */
  async release(): Promise<void> {
    if (this.connection && this.held) {
      await this.connection`select pg_advisory_unlock(${LOCK_NAMESPACE}, hashtext(${this.name}))`.catch(() => {});
    }
    this.connection?.release();
    this.connection = undefined;
    this.held = false;
    this.lockPid = undefined;
  }
}
