// Amounts stay exact: wei are bigints end to end, OPEN is shown and parsed as a decimal with 18 places.
export const WEI_PER_OPEN = 10n ** 18n;

export function formatOpen(wei: string | bigint | null | undefined, places = 6): string {
  if (wei === null || wei === undefined) return '—';
  const v = BigInt(wei);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  const whole = abs / WEI_PER_OPEN;
  let frac = (abs % WEI_PER_OPEN).toString().padStart(18, '0').replace(/0+$/, '');
  if (frac.length > places) {
    // Dust that would print as 0.000000… is clearer in wei.
    if (whole === 0n && /^0*$/.test(frac.slice(0, places))) return `${sign}${abs.toLocaleString('en-US')} wei`;
    frac = frac.slice(0, places) + '…';
  }
  return `${sign}${whole.toLocaleString('en-US')}${frac ? '.' + frac : ''} OPEN`;
}

/** "12.5" OPEN -> wei, exactly; null when it is not a non-negative decimal with at most 18 places. */
export function parseOpen(text: string): bigint | null {
  const m = /^\s*(\d+)(?:\.(\d{1,18}))?\s*$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]) * WEI_PER_OPEN + BigInt((m[2] ?? '').padEnd(18, '0') || '0');
}

export const short = (hex: string | null | undefined, keep = 8) =>
  !hex ? '—' : hex.length <= keep * 2 + 3 ? hex : `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}`;

export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export const isAddress = (s: string) => /^0x[0-9a-fA-F]{40}$/.test(s);
export const isHash = (s: string) => /^0x[0-9a-fA-F]{64}$/.test(s);
