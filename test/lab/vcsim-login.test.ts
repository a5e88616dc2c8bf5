import assert from "node:assert/strict";
import * as https from "node:https";
import { requireLab } from "../support/lab-env";

/** Issue 2 smoke test (1): the raw vim25 protocol, no pod code, over verified TLS. */
describe("lab: vcsim speaks vim25 over verified TLS", () => {
  const lab = requireLab();

  function post(body: string, cookie?: string): Promise<{ status: number; body: string; cookie?: string }> {
    const [host, port] = lab.vsphereHost.split(":");
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host,
          port: Number(port),
          path: "/sdk",
          method: "POST",
          ca: lab.ca, // trust the lab's own CA; verification stays on
          headers: {
            "Content-Type": "text/xml; charset=utf-8",
            SOAPAction: "urn:vim25/8.0.3.0",
            ...(cookie ? { Cookie: cookie } : {}),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: text, cookie: res.headers["set-cookie"]?.[0]?.split(";")[0] }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  const envelope = (inner: string) =>
    `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

  it("answers RetrieveServiceContent and Login", async () => {
    const content = await post(
      envelope(
        `<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>`,
      ),
    );
    assert.equal(content.status, 200);
    const sessionManager = /<sessionManager type="SessionManager">([^<]+)</.exec(content.body)?.[1];
    assert.ok(sessionManager, "ServiceContent names the SessionManager");
    assert.match(content.body, /<apiType>VirtualCenter<\/apiType>/);

    const login = await post(
      envelope(
        `<Login xmlns="urn:vim25"><_this type="SessionManager">${sessionManager}</_this><userName>${lab.vsphereUser}</userName><password>${lab.vspherePassword}</password></Login>`,
      ),
    );
    assert.equal(login.status, 200, login.body);
    assert.match(login.body, new RegExp(`<userName>${lab.vsphereUser}</userName>`));
    assert.match(login.cookie ?? "", /^vmware_soap_session=/);
  });
});
