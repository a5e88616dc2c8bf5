import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { isSecret } from "../common/secret";
import { describeCommand } from "../execution/command";
import { secretInputs } from "./secret-args";

describe("cli/secret-args: secrets for pod exec come from the environment", () => {
  const env = { PW: "abc", TOKEN: "t-123", IN: "stdin-value" };

  it("turns {secret:NAME} words, --secret-env and --secret-stdin into Secrets", () => {
    const got = secretInputs(
      ["mysql", "-p{secret:PW}", "{secret:PW}"],
      { secretEnv: ["TOKEN"], secretStdin: "IN" },
      env,
    );
    assert.equal(got.command[1], "-p{secret:PW}", "only a whole word is replaced");
    assert.ok(isSecret(got.command[2]));
    assert.equal(describeCommand(got.command), "mysql -p{secret:PW} ***");
    assert.ok(isSecret(got.env?.TOKEN) && got.env.TOKEN.reveal() === "t-123");
    assert.ok(isSecret(got.stdin) && got.stdin.reveal() === "stdin-value");
    assert.deepEqual(secretInputs(["id"], {}, env), { command: ["id"] });
  });

  it("refuses a name that is not set", () => {
    assert.throws(
      () => secretInputs(["{secret:NOPE}"], {}, env),
      (e) => isPodError(e, "INVALID_INPUT") && /NOPE/.test(e.message),
    );
    assert.throws(
      () => secretInputs(["id"], { secretEnv: ["NOPE"] }, env),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
