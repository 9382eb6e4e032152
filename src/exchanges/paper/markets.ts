/** One symbol the paper exchange trades. */
export interface PaperMarket {
  symbol: string;
  base: string;
  quote: string;
  /** Centre of the simulated price; the walk stays within roughly ×0.5 … ×2 of it. */
  basePrice: number;
  /** Typical daily move of the log price (0.03 ≈ 3 %). */
  dailyVolatility: number;
  /** Decimals of a price (the tick size is 10^-priceDecimals). */
  priceDecimals: number;
  /** Decimals of a base quantity. */
  quantityDecimals: number;
  /** Typical base volume traded per minute, for candles. */
  volumePerMinute: number;
}

type Row = [base: string, basePrice: number, dailyVolatility: number, priceDecimals: number, quantityDecimals: number];

// A fixed set of well-known USDT markets with realistic magnitudes; enough for watchlists and benchmarks.
const ROWS: Row[] = [
  ["BTC", 60_000, 0.03, 2, 6],
  ["ETH", 3_000, 0.04, 2, 5],
  ["SOL", 150, 0.06, 3, 3],
  ["BNB", 550, 0.04, 2, 4],
  ["XRP", 0.55, 0.05, 5, 1],
  ["ADA", 0.45, 0.05, 5, 1],
  ["DOGE", 0.12, 0.07, 6, 0],
  ["AVAX", 35, 0.06, 3, 3],
  ["DOT", 7, 0.05, 4, 2],
  ["LINK", 15, 0.05, 4, 2],
  ["LTC", 80, 0.04, 3, 4],
  ["TRX", 0.12, 0.04, 6, 0],
  ["ATOM", 9, 0.05, 4, 2],
  ["NEAR", 5, 0.06, 4, 2],
  ["UNI", 8, 0.06, 4, 2],
  ["XLM", 0.11, 0.05, 6, 0],
  ["SHIB", 0.000022, 0.07, 9, 0],
  ["CRO", 0.1, 0.05, 6, 0],
  ["POL", 0.7, 0.06, 5, 1],
  ["USDC", 1, 0.0005, 5, 2],
];

/** The markets of the paper exchange, by symbol. */
export const PAPER_MARKETS: ReadonlyMap<string, PaperMarket> = new Map(
  ROWS.map(([base, basePrice, dailyVolatility, priceDecimals, quantityDecimals]) => {
    const symbol = `${base}_USDT`;
    // About 2 M USDT of volume per minute for every market, expressed in base units.
    const volumePerMinute = 2_000_000 / basePrice;
    return [
      symbol,
      { symbol, base, quote: "USDT", basePrice, dailyVolatility, priceDecimals, quantityDecimals, volumePerMinute },
    ];
  }),
);

/** The market of a symbol, or undefined when the paper exchange does not list it. */
export function findMarket(symbol: string): PaperMarket | undefined {
  return PAPER_MARKETS.get(symbol);
}
