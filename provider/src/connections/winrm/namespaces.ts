/** WS-Management / WinRS names (DSP0226, MS-WSMV), shared by the client and the lab's WinRM guest. */
export const WSMAN_NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
  a: "http://schemas.xmlsoap.org/ws/2004/08/addressing",
  w: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
  p: "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
  rsp: "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
  x: "http://schemas.xmlsoap.org/ws/2004/09/transfer",
  f: "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
  wsmid: "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
} as const;

const SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";

export const ACTION = {
  create: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
  delete: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete",
  command: `${SHELL}/Command`,
  send: `${SHELL}/Send`,
  receive: `${SHELL}/Receive`,
  signal: `${SHELL}/Signal`,
} as const;

export const RESOURCE_CMD = `${SHELL}/cmd`;
export const ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
export const COMMAND_STATE_DONE = `${SHELL}/CommandState/Done`;
export const COMMAND_STATE_RUNNING = `${SHELL}/CommandState/Running`;
export const SIGNAL_TERMINATE = `${SHELL}/signal/terminate`;
export const SIGNAL_CTRL_C = `${SHELL}/signal/ctrl_c`;

/** WSManFault codes pod reacts to. */
export const WSMAN_FAULT = {
  /** 0x80338029: Receive found no output within OperationTimeout; receive again. */
  operationTimeout: "2150858793",
  /** 0x8033805B: the shell is gone (deleted, idle timeout, service restart). */
  shellNotFound: "2150858843",
  /** 0x803381A5: MaxShellsPerUser reached. */
  maxShells: "2150859173",
  /** 0x80338111: the envelope exceeds MaxEnvelopeSize. */
  envelopeTooLarge: "2150859025",
} as const;
