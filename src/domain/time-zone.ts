import { IANAZone } from 'luxon';

/** True for an IANA zone name the runtime knows (`Africa/Maseru`, `Asia/Shanghai`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}
