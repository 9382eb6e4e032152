import { describe, expect, test } from "bun:test";
import { Conflict, NotFound } from "./errors";
import {
  AuthenticationError,
  ExchangeError,
  ExchangeNetworkError,
  ExchangeTimeoutError,
  InsufficientFundsError,
  InvalidOrderError,
  OperationalError,
  OrderRejectedError,
  RateLimitedError,
  reactionTo,
  retryAfterOf,
  TemporaryExchangeError,
  UnknownOrderError,
} from "./exchange-errors";

describe("exchange error taxonomy", () => {
  test("the parent class is the reaction", () => {
    for (const error of [new InsufficientFundsError("x"), new InvalidOrderError("x"), new UnknownOrderError("x")]) {
      expect(error).toBeInstanceOf(OrderRejectedError);
    }
    for (const error of [new RateLimitedError("x"), new ExchangeTimeoutError("x"), new ExchangeNetworkError("x")]) {
      expect(error).toBeInstanceOf(TemporaryExchangeError);
    }
    expect(new AuthenticationError("x")).toBeInstanceOf(OperationalError);
  });

  test("reactionTo: stop for operational, retry for temporary, reject for refusals and unclassified ones", () => {
    expect(reactionTo(new AuthenticationError("x"))).toBe("stop");
    expect(reactionTo(new RateLimitedError("x", 500))).toBe("retry");
    expect(reactionTo(new ExchangeTimeoutError("x"))).toBe("retry");
    expect(reactionTo(new ExchangeNetworkError("x"))).toBe("retry");
    expect(reactionTo(new InsufficientFundsError("x"))).toBe("reject");
    expect(reactionTo(new UnknownOrderError("x"))).toBe("reject");
    expect(reactionTo(new ExchangeError("x"))).toBe("reject");
    expect(reactionTo(new NotFound("x"))).toBe("reject");
    expect(reactionTo(new Conflict("x"))).toBe("reject");
    expect(reactionTo(new Error("connection reset"))).toBe("retry");
  });

  test("each class carries its code and its own name", () => {
    const error = new InsufficientFundsError("no money");
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error.name).toBe("InsufficientFundsError");
    expect(error.code).toBe("insufficient_funds");
    expect(new UnknownOrderError("x").code).toBe("not_found");
    expect(new RateLimitedError("x").code).toBe("exchange_unavailable");
    expect(new AuthenticationError("secret detail").publicMessage).not.toContain("secret");
  });

  test("a temporary error may carry a retry-after hint; retryAfterOf reads it, and nothing else has one", () => {
    expect(retryAfterOf(new RateLimitedError("429", 2500))).toBe(2500);
    expect(retryAfterOf(new TemporaryExchangeError("503", { retryAfterMs: 60_000 }))).toBe(60_000);
    expect(retryAfterOf(new RateLimitedError("429"))).toBeUndefined();
    expect(retryAfterOf(new AuthenticationError("no"))).toBeUndefined();
    expect(retryAfterOf(new Error("x"))).toBeUndefined();
  });
});
