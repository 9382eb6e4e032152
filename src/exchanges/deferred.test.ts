import { describe, expect, test } from "bun:test";
import { UnknownOrderError } from "../domain/exchange-errors";
import { deferredExchangeClient } from "./deferred";
import type { ExchangeClient } from "./types";

describe("deferredExchangeClient", () => {
  test("is usable at once and every call waits for the real client", async () => {
    let resolve!: (client: ExchangeClient) => void;
    let created = 0;
    const deferred = deferredExchangeClient({ name: "paper", live: false }, () => {
      created++;
      return new Promise((r) => {
        resolve = r;
      });
    });
    expect(deferred).toMatchObject({ name: "paper", live: false });
    const balances = deferred.fetchBalances();
    let settled = false;
    void balances.then(() => {
      settled = true;
    });
    await Bun.sleep(10);
    expect(settled).toBe(false);
    resolve({ fetchBalances: async () => [{ asset: "USDT", free: "1", locked: "0", total: "1" }] } as ExchangeClient);
    expect(await balances).toEqual([{ asset: "USDT", free: "1", locked: "0", total: "1" }]);
    expect(created).toBe(1);
  });

  test("a failed creation surfaces on the calls, not as an unhandled rejection", async () => {
    const deferred = deferredExchangeClient({ name: "cryptocom", live: true }, async () => {
      throw new UnknownOrderError("no such exchange");
    });
    await expect(deferred.fetchTickers(["BTC_USDT"])).rejects.toThrow("no such exchange");
    await deferred.close();
  });
});
