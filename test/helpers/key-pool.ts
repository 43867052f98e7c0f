// Setup file of every test file: the key pairs shared/wechatpay/testing.ts hands out come from the
// run's pool (test/helpers/global-setup.ts), drawn afresh for each file so its draws are distinct.
import { beforeAll, inject } from "vitest";
import { useTestKeyPool } from "../../shared/wechatpay/testing";

useTestKeyPool(inject("rsaKeyPool"));
beforeAll(() => useTestKeyPool(inject("rsaKeyPool")));
