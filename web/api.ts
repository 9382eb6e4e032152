// Talking to ATP: the token kept in this browser, JSON requests with readable errors, the live stream.

const TOKEN_KEY = "atp.token";

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (value: string) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** An error answer of the API, worded for a person: the message and each field's problem. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

function problemOf(status: number, body: unknown): ApiProblem {
  const error = (body as ErrorEnvelope | null)?.error;
  const details = error?.details?.map((d) => `${d.path}: ${d.message}`).join("; ");
  let message = error?.message ?? `the server answered ${status}`;
  if (details) message += ` (${details})`;
  if (status === 401) message += ". Enter the API token above.";
  if (status === 403 && !error?.message?.includes("API_TOKEN is not configured")) message += ". Use the API token.";
  return new ApiProblem(status, error?.code ?? "error", message);
}

/** A JSON request; the token goes on every call. Throws ApiProblem on an error status. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const saved = token.get();
  const res = await fetch(path, {
    method,
    headers: {
      ...(saved ? { Authorization: `Bearer ${saved}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw problemOf(res.status, parsed);
  return parsed as T;
}

export interface StreamHandlers {
  onState(body: string): void;
  onStatus(status: "live" | "reconnecting" | "locked", detail?: string): void;
}

/**
 * The dashboard stream: trade the token for a one-minute ticket (EventSource sends no Authorization header),
 * open the stream with it, and on a break fetch a new ticket and reopen, backing off up to 10 s.
 */
export function connectStream({ onState, onStatus }: StreamHandlers): void {
  let delay = 500;
  const retry = () => {
    delay = Math.min(delay * 2, 10_000);
    setTimeout(open, delay);
  };
  const open = async () => {
    let url: string;
    try {
      url = (await api<{ stream_url: string }>("POST", "/api/dashboard/stream-ticket")).stream_url;
    } catch (error) {
      const problem = error as ApiProblem;
      if (problem.status === 401 || problem.status === 403) {
        onStatus("locked", problem.message);
        return; // a saved token reconnects (see retryNow)
      }
      onStatus("reconnecting", problem.message);
      retry();
      return;
    }
    const source = new EventSource(url);
    source.addEventListener("state", (event) => {
      delay = 500;
      onStatus("live");
      onState((event as MessageEvent<string>).data);
    });
    source.onerror = () => {
      source.close();
      onStatus("reconnecting");
      retry();
    };
  };
  retryNow = () => void open();
  void open();
}

/** Reconnects at once (after a token was entered). */
export let retryNow = () => {};
