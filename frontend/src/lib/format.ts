export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, small: boolean): Intl.NumberFormat {
  const key = `${currency}:${small}`;
  let format = moneyFormats.get(key);
  if (!format) {
    // Sub-cent amounts (one model's cost) keep two significant digits instead of rounding to 0.00.
    format = new Intl.NumberFormat(undefined, { style: "currency", currency, ...(small ? { maximumSignificantDigits: 2 } : {}) });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Make the first money and date formats while the page waits for its data: the first of each loads the
 * locale's data, tens of ms that would otherwise fall in the task that draws the first rows. */
export function prepareFormats(currency = "USD"): void {
  moneyFormat(currency, false);
  moneyFormat(currency, true);
  new Date(0).toLocaleString();
}

/** A cost in its environment's currency (the rate card's ISO 4217 code), as the reader's locale writes money. */
export function money(value: number | null | undefined, currency: string): string {
  if (value == null) return "—";
  const small = value !== 0 && Math.abs(value) < 0.01;
  try {
    return moneyFormat(currency, small).format(value);
  } catch {
    // A code Intl does not know (a rate card may name anything): the number, then the code as written.
    return `${small ? Number(value.toPrecision(2)) : value.toFixed(2)} ${currency}`;
  }
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}
