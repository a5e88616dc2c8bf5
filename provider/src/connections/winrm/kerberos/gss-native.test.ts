import assert from "node:assert/strict";
import { isPodError } from "../../../common/errors";
import { loadGssIov } from "./gss-native";

describe("winrm kerberos GSS addon loader", () => {
  it("says how to build the addon when it is missing, instead of a bare require error", () => {
    assert.throws(
      () => loadGssIov("/nonexistent/native/gss-iov/build/Release/gss_iov.node"),
      (e) =>
        isPodError(e) && e.code === "UNSUPPORTED" && /libkrb5-dev/.test(e.fix ?? "") && /node-gyp/.test(e.fix ?? ""),
    );
  });
});
