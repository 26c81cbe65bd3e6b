import { InvalidArgumentError } from 'commander';

/** A commander option parser for counts, ports and limits. */
export const wholeNumber = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return n;
};
