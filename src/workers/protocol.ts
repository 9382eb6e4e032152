import { z } from "zod";

/** Supervisor → worker: the first message, everything a worker needs to run. */
export const initMessage = z.object({
  type: z.literal("init"),
  name: z.string(),
  databaseUrl: z.string(),
  /** The environment record the supervisor's config was parsed from: the worker parses it with the same loadConfig. */
  environment: z.record(z.string(), z.string()),
  heartbeatMs: z.number().int().positive(),
  leaderPollMs: z.number().int().positive(),
});

/** Supervisor → worker messages. */
export const toWorkerMessage = z.discriminatedUnion("type", [initMessage, z.object({ type: z.literal("stop") })]);

/** Worker → supervisor messages. */
export const fromWorkerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("heartbeat"), at: z.number() }),
  z.object({ type: z.literal("state"), state: z.enum(["running", "standby"]) }),
  z.object({
    type: z.literal("run"),
    startedAt: z.number(),
    finishedAt: z.number(),
    ok: z.boolean(),
    error: z.string().optional(),
  }),
  /** The service stopped itself on an error that retrying cannot fix; a `stopped` message follows. */
  z.object({ type: z.literal("failed"), reason: z.string() }),
  z.object({ type: z.literal("stopped") }),
]);

export type InitMessage = z.infer<typeof initMessage>;
export type ToWorkerMessage = z.infer<typeof toWorkerMessage>;
export type FromWorkerMessage = z.infer<typeof fromWorkerMessage>;
