/** One line describing the machine a benchmark ran on. */
import os from 'node:os';

export function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
