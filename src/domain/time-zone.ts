import { IANAZone } from 'luxon';

// Zones found valid: luxon builds an Intl.DateTimeFormat for every check, and a mechanism with 1,000 contacts is
// checked whenever it is read. A zone the runtime knows stays known.
const valid = new Set<string>();

/** True for an IANA zone name the runtime knows (`Africa/Maseru`, `Asia/Shanghai`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  if (valid.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  valid.add(zone);
  return true;
}
