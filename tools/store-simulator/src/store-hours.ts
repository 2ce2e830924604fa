/** Opening hours in the store's local time: open all day, or from–to in minutes after midnight. */
export type StoreHours = { allDay: true } | { allDay: false; openMin: number; closeMin: number };

/** `24h`, or `HH:MM-HH:MM` in store-local time (`22:00-06:00` spans midnight). */
export function parseStoreHours(text: string): StoreHours {
  if (text.trim() === '24h') return { allDay: true };
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new RangeError(`'${text}' is not 24h or HH:MM-HH:MM`);
  const openMin = Number(m[1]) * 60 + Number(m[2]);
  const closeMin = Number(m[3]) * 60 + Number(m[4]);
  if (openMin === closeMin || closeMin > 24 * 60)
    throw new RangeError(`'${text}' is not a valid opening time`);
  return { allDay: false, openMin, closeMin };
}

/** Minutes after local midnight of `at` in `timezone`. */
export function localMinutes(timezone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function isOpen(hours: StoreHours, timezone: string, at: Date): boolean {
  if (hours.allDay) return true;
  const now = localMinutes(timezone, at);
  return hours.openMin < hours.closeMin
    ? now >= hours.openMin && now < hours.closeMin
    : now >= hours.openMin || now < hours.closeMin;
}
