import {
  AreaSeries,
  CandlestickSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { api } from "./api";

const theme = {
  autoSize: true,
  layout: { background: { color: "transparent" }, textColor: "#8b97a3" },
  grid: { vertLines: { color: "#222c36" }, horzLines: { color: "#222c36" } },
  timeScale: { timeVisible: true, secondsVisible: false },
  rightPriceScale: { borderColor: "#2a3540" },
};

const seconds = (t: string | number) => Math.floor((typeof t === "number" ? t : Date.parse(t)) / 1000) as UTCTimestamp;

interface Snapshot {
  net_usd: string;
  taken_at: string;
}

/** The net value over time, from GET /api/portfolio/history, then extended by each new valuation. */
export class PortfolioChart {
  private readonly series: ISeriesApi<"Area">;
  private last = 0;

  constructor(container: HTMLElement) {
    const chart: IChartApi = createChart(container, theme);
    this.series = chart.addSeries(AreaSeries, {
      lineColor: "#4f9cf9",
      topColor: "rgba(79,156,249,0.35)",
      bottomColor: "rgba(79,156,249,0.02)",
      lineWidth: 2,
    });
  }

  async load(): Promise<number> {
    const { snapshots } = await api<{ snapshots: Snapshot[] }>("GET", "/api/portfolio/history?limit=2000");
    const points = new Map<number, number>();
    for (const s of snapshots) points.set(seconds(s.taken_at), Number(s.net_usd));
    const data = [...points]
      .sort((a, b) => a[0] - b[0])
      .map(([time, value]) => ({ time: time as UTCTimestamp, value }));
    this.series.setData(data);
    this.last = data.at(-1)?.time ?? 0;
    return data.length;
  }

  /** A newer valuation (the dashboard's), drawn as the latest point. */
  extend(takenAt: string | null, netUsd: string | undefined): void {
    if (!takenAt || netUsd === undefined) return;
    const time = seconds(takenAt);
    if (time < this.last) return;
    this.last = time;
    this.series.update({ time, value: Number(netUsd) });
  }
}

interface CandleLike {
  time?: number | string;
  t?: number | string;
  timestamp?: number | string;
  open_time?: number | string;
  open: number | string;
  high: number | string;
  low: number | string;
  close: number | string;
}

/** Candles of one symbol from GET /api/market/:symbol/candles, drawn as a candlestick chart. */
export class PriceChart {
  private chart?: IChartApi;
  private series?: ISeriesApi<"Candlestick">;

  constructor(private readonly container: HTMLElement) {}

  async show(symbol: string, timeframe = "1h"): Promise<number> {
    const query = `timeframe=${encodeURIComponent(timeframe)}&limit=200`;
    const answer = await api<CandleLike[] | { candles: CandleLike[] }>(
      "GET",
      `/api/market/${encodeURIComponent(symbol)}/candles?${query}`,
    );
    const candles = Array.isArray(answer) ? answer : answer.candles;
    if (!this.chart) {
      this.chart = createChart(this.container, theme);
      this.series = this.chart.addSeries(CandlestickSeries, {
        upColor: "#26a69a",
        downColor: "#ef5350",
        wickUpColor: "#26a69a",
        wickDownColor: "#ef5350",
        borderVisible: false,
      });
    }
    const data = candles
      .map((c) => ({
        time: seconds(c.time ?? c.t ?? c.timestamp ?? c.open_time ?? 0),
        open: Number(c.open),
        high: Number(c.high),
        low: Number(c.low),
        close: Number(c.close),
      }))
      .sort((a, b) => a.time - b.time);
    this.series?.setData(data);
    this.chart.timeScale().fitContent();
    return data.length;
  }
}
