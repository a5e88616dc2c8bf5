import { CORE_CMDLETS } from "./cmdlets/core";
import { NET_READ_CMDLETS } from "./cmdlets/net-read";
import { NET_WRITE_CMDLETS } from "./cmdlets/net-write";
import { SYSTEM_CMDLETS } from "./cmdlets/system";
import type { Cmdlet } from "./interpreter";

/** Every cmdlet of the subset by lower-case name, and Windows PowerShell 5.1's default aliases for them. */
export const CMDLETS = new Map<string, Cmdlet>(
  [...CORE_CMDLETS, ...NET_READ_CMDLETS, ...NET_WRITE_CMDLETS, ...SYSTEM_CMDLETS].map((c) => [c.name.toLowerCase(), c]),
);

export const ALIASES = new Map<string, string>(
  Object.entries({
    echo: "write-output",
    write: "write-output",
    select: "select-object",
    where: "where-object",
    "?": "where-object",
    foreach: "foreach-object",
    "%": "foreach-object",
    sort: "sort-object",
    measure: "measure-object",
    sleep: "start-sleep",
    gp: "get-itemproperty",
    gcim: "get-ciminstance",
    "get-wmiobject": "get-ciminstance",
    gwmi: "get-ciminstance",
    gcm: "get-command",
    cat: "get-content",
    gc: "get-content",
    type: "get-content",
    sc: "set-content",
    ac: "add-content",
    del: "remove-item",
    rm: "remove-item",
    ri: "remove-item",
    erase: "remove-item",
    ni: "new-item",
    ft: "format-table",
    fl: "format-list",
    iex: "invoke-expression",
  }),
);
