export { decodeClixml } from "./clixml";
export { WinrmConnection, type WinrmConnectionOptions } from "./connection";
export { isWsmanFault } from "./faults";
export { WSMAN_FAULT } from "./namespaces";
export { splitUser, type WinrmAuthKind } from "./transport";
