/**
 * vim25 calls a test makes on its own, with no pod code in between (the peer's
 * side of a test): log in, read a session's key, end a session server-side.
 */
import * as https from "node:https";
import type { LabEnv } from "./lab-env";

export interface RawReply {
  status: number;
  body: string;
  cookie?: string;
}

const envelope = (inner: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export class VcsimAdmin {
  #cookie: string | undefined;
  #sessionManager = "SessionManager";
  #propertyCollector = "propertyCollector";

  constructor(readonly lab: LabEnv) {}

  post(inner: string, cookie = this.#cookie): Promise<RawReply> {
    const [host, port] = this.lab.vsphereHost.split(":");
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host,
          port: Number(port ?? 443),
          path: "/sdk",
          method: "POST",
          ca: this.lab.ca,
          agent: false,
          headers: {
            "Content-Type": "text/xml; charset=utf-8",
            SOAPAction: "urn:vim25/8.0.3.0",
            ...(cookie ? { Cookie: cookie } : {}),
          },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            body += c;
          });
          res.on("end", () => {
            const set = res.headers["set-cookie"]?.[0]?.split(";")[0];
            resolve({ status: res.statusCode ?? 0, body, ...(set ? { cookie: set } : {}) });
          });
        },
      );
      req.on("error", reject);
      req.end(envelope(inner));
    });
  }

  /** This session's cookie ("vmware_soap_session=…"). */
  get cookie(): string | undefined {
    return this.#cookie;
  }

  /** A session of its own (the "second session" that ends another one). */
  async login(): Promise<void> {
    const content = await this.post(
      `<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>`,
    );
    this.#sessionManager = /<sessionManager type="SessionManager">([^<]+)</.exec(content.body)?.[1] ?? "SessionManager";
    this.#propertyCollector =
      /<propertyCollector type="PropertyCollector">([^<]+)</.exec(content.body)?.[1] ?? "propertyCollector";
    const login = await this.post(
      `<Login xmlns="urn:vim25"><_this type="SessionManager">${this.#sessionManager}</_this><userName>${xmlText(this.lab.vsphereUser)}</userName><password>${xmlText(this.lab.vspherePassword)}</password></Login>`,
    );
    if (login.status !== 200 || !login.cookie) throw new Error(`raw Login failed: HTTP ${login.status} ${login.body}`);
    this.#cookie = login.cookie;
  }

  /** The key of the session a cookie belongs to (SessionManager.currentSession, read with that cookie). */
  async sessionKeyOf(cookie: string): Promise<string> {
    const reply = await this.post(
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">${this.#propertyCollector}</_this><specSet><propSet><type>SessionManager</type><pathSet>currentSession</pathSet></propSet><objectSet><obj type="SessionManager">${this.#sessionManager}</obj></objectSet></specSet><options/></RetrievePropertiesEx>`,
      cookie,
    );
    const key = /<key>([^<]+)<\/key>/.exec(reply.body)?.[1];
    if (!key) throw new Error(`no currentSession for that cookie: HTTP ${reply.status} ${reply.body}`);
    return key;
  }

  /** Ends another session server-side, as an administrator would (SessionManager.TerminateSession). */
  async terminate(sessionKey: string): Promise<void> {
    const reply = await this.post(
      `<TerminateSession xmlns="urn:vim25"><_this type="SessionManager">${this.#sessionManager}</_this><sessionId>${xmlText(sessionKey)}</sessionId></TerminateSession>`,
    );
    if (reply.status !== 200) throw new Error(`TerminateSession failed: HTTP ${reply.status} ${reply.body}`);
  }

  /** Whether a cookie's session is still alive on the server. */
  async isAlive(cookie: string): Promise<boolean> {
    const reply = await this.post(
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">${this.#propertyCollector}</_this><specSet><propSet><type>SessionManager</type><pathSet>currentSession</pathSet></propSet><objectSet><obj type="SessionManager">${this.#sessionManager}</obj></objectSet></specSet><options/></RetrievePropertiesEx>`,
      cookie,
    );
    return /<key>[^<]+<\/key>/.test(reply.body);
  }

  /** Whether vcsim still has this VM (read with the admin's own session). */
  async vmExists(moid: string): Promise<boolean> {
    const reply = await this.post(
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">${this.#propertyCollector}</_this><specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet><objectSet><obj type="VirtualMachine">${xmlText(moid)}</obj></objectSet></specSet><options/></RetrievePropertiesEx>`,
    );
    if (/ManagedObjectNotFound/.test(reply.body)) return false;
    if (/<propSet><name>name<\/name>/.test(reply.body)) return true;
    throw new Error(`cannot tell whether ${moid} exists: HTTP ${reply.status} ${reply.body}`);
  }

  async logout(): Promise<void> {
    if (!this.#cookie) return;
    await this.post(`<Logout xmlns="urn:vim25"><_this type="SessionManager">${this.#sessionManager}</_this></Logout>`);
    this.#cookie = undefined;
  }
}
