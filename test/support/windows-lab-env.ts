/** Reading the lab's Windows guest settings from lab.env, for the WinRM tests. */

/** A lab.env value, or an error saying the lab is not up. */
export function needEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the lab is not up. Run \`make lab\` first.`);
  return value;
}

/** "host:port" as the lab writes endpoints. */
export function hostPort(value: string): { host: string; port: number } {
  return { host: value.replace(/:\d+$/, ""), port: Number(value.split(":").pop()) };
}
