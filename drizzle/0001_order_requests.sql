CREATE TABLE "order_requests" (
	"client_oid" text PRIMARY KEY NOT NULL,
	"body_hash" text NOT NULL,
	"body" jsonb NOT NULL,
	"state" text NOT NULL,
	"exchange_order_id" text,
	"error" jsonb,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_requests_state_check" CHECK ("order_requests"."state" in ('pending', 'placed', 'rejected', 'retryable'))
);
