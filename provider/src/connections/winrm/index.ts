export { decodeClixml } from "./clixml";
export { WinrmConnection, type WinrmConnectionOptions } from "./connection";
export { isWsmanFault } from "./faults";
export { WSMAN_FAULT } from "./namespaces";
export { LONG_SCRIPT_LIMIT, powerShellInvocation, psQuote } from "./powershell";
export { splitUser, type WinrmAuthKind } from "./transport";
