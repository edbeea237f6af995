/** An email address anywhere in a text: a local part, @, a domain. */
const ADDRESS = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[^\s<>"'(),;:@]+/g;

/**
 * SMTP servers quote the recipient in their errors ("550 <ana@example.org>: mailbox unknown");
 * such text goes into logs and the dashboard, where addresses must never appear.
 */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}
