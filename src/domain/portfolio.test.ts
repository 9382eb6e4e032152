import { describe, expect, test } from "bun:test";
import { pricingSymbol, valuePortfolio } from "./portfolio";

const prices = new Map([
  ["BTC_USDT", "50000.5"],
  ["ETH_USDT", "3000.1"],
]);

describe("valuePortfolio", () => {
  test("values assets at their USDT price and stablecoins 1:1, exactly", () => {
    const v = valuePortfolio(
      [
        { asset: "BTC", total: "0.1" },
        { asset: "USDT", total: "1000.01" },
        { asset: "USDC", total: "0.02" },
        { asset: "ETH", total: "0.3" },
      ],
      [],
      prices,
    );
    expect(v.assets).toEqual([
      { asset: "BTC", quantity: "0.1", usdValue: "5000.05000000" },
      { asset: "USDT", quantity: "1000.01", usdValue: "1000.01000000" },
      { asset: "USDC", quantity: "0.02", usdValue: "0.02000000" },
      { asset: "ETH", quantity: "0.3", usdValue: "900.03000000" },
    ]);
    // 0.1 + 0.2 style float errors would show here.
    expect(v.totalAssetsUsd).toBe("6900.11000000");
    expect(v.netUsd).toBe("6900.11000000");
  });

  test("an asset without a price is listed without value and left out of the total", () => {
    const v = valuePortfolio([{ asset: "XYZ", total: "10" }], [], prices);
    expect(v.assets).toEqual([{ asset: "XYZ", quantity: "10", usdValue: null }]);
    expect(v.totalAssetsUsd).toBe("0.00000000");
  });

  test("negative balances are borrowed, and loans are netted at current prices", () => {
    const v = valuePortfolio(
      [
        { asset: "USDT", total: "5000" },
        { asset: "ETH", total: "-0.5" },
      ],
      [
        { currency: "ETH", borrowedAmount: "0.5", borrowedUsd: "1" },
        { currency: "XYZ", borrowedAmount: "2", borrowedUsd: "7.5" },
      ],
      prices,
    );
    expect(v.borrowed).toEqual([{ currency: "ETH", amount: "0.5", usdValue: "1500.05000000" }]);
    expect(v.loans).toEqual([
      { currency: "ETH", borrowedAmount: "0.5", borrowedUsd: "1500.05000000" },
      { currency: "XYZ", borrowedAmount: "2", borrowedUsd: "7.50000000" },
    ]);
    expect(v.totalAssetsUsd).toBe("5000.00000000");
    expect(v.totalBorrowedUsd).toBe("1507.55000000");
    expect(v.netUsd).toBe("3492.45000000");
  });

  test("pricing symbols", () => {
    expect(pricingSymbol("BTC")).toBe("BTC_USDT");
    expect(pricingSymbol("USDT")).toBeNull();
  });
});
