import { describe, expect, test } from "bun:test";
import { FINAL_ORDER_STATUSES, isOpenStatus, OPEN_ORDER_STATUSES, ORDER_STATUSES } from "./orders";

describe("order vocabulary", () => {
  test("every status is either open or final, never both", () => {
    const open: readonly string[] = OPEN_ORDER_STATUSES;
    const final: readonly string[] = FINAL_ORDER_STATUSES;
    expect([...open, ...final].sort()).toEqual([...ORDER_STATUSES].sort());
    expect(open.filter((s) => final.includes(s))).toEqual([]);
  });

  test("isOpenStatus follows the open set", () => {
    expect(ORDER_STATUSES.filter(isOpenStatus)).toEqual([...OPEN_ORDER_STATUSES]);
  });
});
