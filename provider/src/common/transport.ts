/**
 * The ways into a guest, named once at the bottom of the layers: connections/
 * implement them, os/ plans OS detection by them (WinRM ⇒ Windows), and
 * observability/ labels audit records and metrics with them.
 */
export type TransportKind = "ssh" | "winrm" | "docker" | "guestops";
