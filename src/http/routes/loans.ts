import { z } from "zod";
import { addLoan, changeLoan, getLoan, getLoans, type LoanFields, removeLoan } from "../../services/loans";
import { type AppDeps, createRouter } from "../context";
import { booleanQuery, decimalField, idField, percentField } from "../fields";
import { requireJson } from "../middleware/require-json";
import { validate } from "../validation";

const settable = {
  borrowed_amount: decimalField({ integerDigits: 15, decimals: 12 }),
  borrowed_usd: decimalField({ integerDigits: 15, decimals: 8 }),
  interest_rate: percentField(1000).nullable(),
  is_active: z.boolean(),
  notes: z.string().max(500).nullable(),
};
const settableSchema = z.strictObject(settable).partial();
export const createBody = settableSchema.extend({
  currency: z.string().regex(/^[A-Z0-9]{2,12}$/, "must be an asset code like USDT"),
  borrowed_amount: settable.borrowed_amount,
});
export const updateBody = settableSchema.refine(
  (body) => Object.keys(body).length > 0,
  "give at least one field to change",
);
export const idParam = z.strictObject({ id: idField });
export const listQuery = z.strictObject({ active: booleanQuery.optional() });

function toFields(body: z.infer<typeof settableSchema>): LoanFields {
  return {
    borrowedAmount: body.borrowed_amount,
    borrowedUsd: body.borrowed_usd,
    interestRate: body.interest_rate,
    isActive: body.is_active,
    notes: body.notes,
  };
}

/** Loans CRUD: `/api/loans`, `/api/loans/:id` (interest_rate is a yearly percentage). */
export function loansRoutes({ database }: Pick<AppDeps, "database">) {
  return createRouter()
    .get("/", validate("query", listQuery), async (c) => {
      return c.json({ loans: await getLoans(database, c.req.valid("query").active) });
    })
    .post("/", requireJson(), validate("json", createBody), async (c) => {
      const { currency, borrowed_amount, ...rest } = c.req.valid("json");
      const loan = await addLoan(database, currency, { ...toFields(rest), borrowedAmount: borrowed_amount });
      return c.json(loan, 201);
    })
    .get("/:id", validate("param", idParam), async (c) => {
      return c.json(await getLoan(database, c.req.valid("param").id));
    })
    .on(
      ["PUT", "PATCH"],
      "/:id",
      validate("param", idParam),
      requireJson(),
      validate("json", updateBody),
      async (c) => {
        return c.json(await changeLoan(database, c.req.valid("param").id, toFields(c.req.valid("json"))));
      },
    )
    .delete("/:id", validate("param", idParam), async (c) => {
      await removeLoan(database, c.req.valid("param").id);
      return c.body(null, 204);
    });
}
