import { isIPv6 } from 'node:net';

/**
 * The network a client address stands for, as the limits count it (the admin login throttle,
 * the sign-up form): one host has one IPv4 address but a whole IPv6 /64, so counting IPv6 by
 * full address would give each client 2^64 tries. IPv4 as it is (IPv4-mapped IPv6 unwrapped);
 * IPv6 as its /64 prefix.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
