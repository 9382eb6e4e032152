/**
 * A large pre-made order history (PAPER_HISTORY_ORDERS) so the sync and benchmarks have real pages to walk.
 * Generated in one INSERT … SELECT over generate_series: 100 000 orders take well under a second, and the same
 * seed gives the same orders. The history is cosmetic: it does not move the balances.
 */
import { PAPER_MARKETS } from "./markets";
import { hashString } from "./prices";
import type { Tx } from "./store";

const DAY_MS = 86_400_000;
/** The seeded orders are spread over this span, ending a day before the seeding time. */
const HISTORY_SPAN_MS = 365 * DAY_MS;

/**
 * Inserts `count` filled or cancelled orders, oldest first (seq order is time order), ending a day before `now`.
 * Runs inside the caller's transaction, which must hold the account lock (seq numbers are taken as one block).
 */
export async function seedOrderHistory(
  tx: Tx,
  { count, seed, feeRate, now }: { count: number; seed: string; feeRate: string; now: number },
): Promise<void> {
  const markets = [...PAPER_MARKETS.values()];
  // A bulk insert of millions of rows may outlast the pool's statement timeout; it runs once.
  await tx`set local statement_timeout = 0`;
  // The materialised steps below stay in memory instead of spilling to temporary files.
  await tx`set local work_mem = '256MB'`;
  await tx`select setseed(${(hashString(seed) / 2 ** 32) * 2 - 1})`;
  const [block] = await tx<{ first: string }[]>`
    select nextval(pg_get_serial_sequence('paper_orders', 'seq'))::text as first`;
  const first = block?.first ?? "1";
  await tx`
    with markets as materialized (
      select * from unnest(
        ${markets.map((m) => m.symbol)}::text[], ${markets.map((m) => m.base)}::text[],
        ${markets.map((m) => String(m.basePrice))}::numeric[], ${markets.map((m) => m.priceDecimals)}::int[],
        ${markets.map((m) => m.quantityDecimals)}::int[]
      ) with ordinality as m(symbol, base, base_price, pdec, qdec, i)
    ),
    -- Materialised so each random draw is taken once per order (an inlined subquery would re-evaluate random()
    -- at every reference, giving inconsistent columns).
    draws as materialized (
      select g, 1 + floor(random() * ${markets.length})::int as mi, random() as r_side, random() as r_type,
        random() as r_status, random() as r_price, random() as r_size, random() as r_fill,
        random() as r_time, random() as r_life
      from generate_series(1, ${count}::int) g
    ),
    priced as materialized (
      select ${first}::int8 + g - 1 as seq, m.symbol, m.base, m.qdec,
        round(m.base_price * (0.8 + 0.4 * r_price)::numeric, m.pdec) as price,
        case when r_side < 0.5 then 'BUY' else 'SELL' end as side,
        case when r_type < 0.4 then 'MARKET' else 'LIMIT' end as order_type,
        case when r_type < 0.4 or r_status < 0.75 then 'FILLED' else 'CANCELLED' end as status,
        to_timestamp((${now - DAY_MS - HISTORY_SPAN_MS}::float8 + (g - 1 + r_time) * ${HISTORY_SPAN_MS / count}::float8)
          / 1000) as created_at,
        r_size::numeric as r_size, r_fill::numeric as r_fill, r_life
      from draws join markets m on m.i = draws.mi
    ),
    sized as materialized (
      select *, greatest(round((20 + 980 * r_size) / price, qdec), power(10::numeric, -qdec)) as quantity from priced
    ),
    filled as materialized (
      select *, case
          when status = 'FILLED' then quantity
          when r_fill < 0.3 then round(quantity * r_fill, qdec)
          else 0 end as filled
      from sized
    )
    insert into paper_orders (seq, order_id, client_oid, symbol, side, order_type, status, price, quantity,
      filled_quantity, filled_value, fee, fee_currency, created_at, updated_at)
    overriding system value
    select seq, 'paper-' || seq, null, symbol, side, order_type, status,
      case when order_type = 'LIMIT' then price end, quantity, filled, filled * price,
      case when side = 'BUY' then filled else filled * price end * ${feeRate}::numeric,
      case when side = 'BUY' then base else 'USDT' end,
      created_at, created_at + case when order_type = 'LIMIT' then r_life * interval '1 hour' else interval '0' end
    from filled`;
  await tx`select setval(pg_get_serial_sequence('paper_orders', 'seq'), ${first}::int8 + ${count}::int8 - 1)`;
}
