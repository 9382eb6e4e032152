ALTER TABLE "position_books" ADD COLUMN "open_qty" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "position_books" ADD COLUMN "open_cost" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
-- The books kept before these columns: their open lots' quantity and cost, as the bookings keep them from now on.
UPDATE "position_books" AS b SET "open_qty" = o.qty, "open_cost" = o.cost
FROM (
  SELECT account, symbol, sum(remaining) AS qty, sum(remaining_cost + remaining_fee) AS cost
  FROM "position_lots" WHERE remaining > 0 AND closed_at IS NULL GROUP BY account, symbol
) AS o
WHERE b.account = o.account AND b.symbol = o.symbol;
