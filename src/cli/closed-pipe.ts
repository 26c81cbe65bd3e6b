/**
 * `tributary records … | head -1` closes the pipe after one line; the next write fails with EPIPE. That is the
 * reader saying "enough", not an error: exit quietly with success, as `cat` and `grep` do.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
