// Korean mobile numbers as the entry form handles them: the same rules as
// shared/phone.Normalize on the server, and hyphens added while typing.

function nationalDigits(s: string): string {
  const t = s.trim();
  let d = t.replace(/\D/g, "");
  if (t.startsWith("+82") || (d.startsWith("82") && d.length >= 11)) d = "0" + d.slice(2).replace(/^0/, "");
  return d;
}

/** Digits of a number as typed or autofilled, with +82 turned into 0, at most 11. */
export function phoneDigits(s: string): string {
  return nationalDigits(s).slice(0, 11);
}

/**
 * formatPhone writes digits the way Korean numbers are read, as far as they
 * go: 010 → 010, 0101234 → 010-1234, 01012345678 → 010-1234-5678 and the
 * ten-digit 011-123-4567.
 */
export function formatPhone(digits: string): string {
  const d = digits;
  if (d.length <= 3) return d;
  if (d.length <= 7) return `${d.slice(0, 3)}-${d.slice(3)}`;
  if (d.length === 10 && !d.startsWith("010")) return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
  return `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`;
}

/** The digits of a normalised Korean mobile number, or null (shared/phone.Normalize). */
export function normalizePhone(s: string): string | null {
  const t = s.trim();
  if (/[^\d\s\-.()+]/.test(t) || /.\+/.test(t) || (t.startsWith("+") && !t.startsWith("+82"))) return null;
  const d = nationalDigits(t);
  if (d.length < 10 || d.length > 11 || !/^01[016789]/.test(d)) return null;
  if (d[2] === "0" && d.length !== 11) return null;
  return d;
}

/**
 * reformatPhone is the input handler's arithmetic: the new value with
 * hyphens and where the caret goes, keeping it after the same digit. When a
 * deletion removed only a hyphen, the digit before it goes too, or the
 * hyphen would come straight back and the key would seem dead.
 */
export function reformatPhone(prev: string, next: string, caret: number, deleting: boolean): { value: string; caret: number } {
  let digits = phoneDigits(next);
  let before = next.slice(0, caret).replace(/\D/g, "").length;
  if (deleting && digits === phoneDigits(prev) && before > 0 && next.length < prev.length) {
    digits = digits.slice(0, before - 1) + digits.slice(before);
    before--;
  }
  const value = formatPhone(digits);
  let pos = 0;
  for (let seen = 0; pos < value.length && seen < before; pos++) if (/\d/.test(value[pos]!)) seen++;
  return { value, caret: pos };
}
