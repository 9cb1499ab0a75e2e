// The password policy as the server checks it (shared/user): 8 characters
// (at most 72 bytes) with a letter, a digit and a symbol. Shown rule by rule while typing.

export interface Rules {
  length: boolean;
  letter: boolean;
  digit: boolean;
  symbol: boolean;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

export function passwordRules(pw: string): Rules {
  return {
    length: [...pw].length >= 8 && bytes(pw) <= 72,
    letter: /\p{L}/u.test(pw),
    digit: /\p{Nd}/u.test(pw),
    symbol: /[\p{P}\p{S}]/u.test(pw),
  };
}

export const passwordOk = (pw: string): boolean => Object.values(passwordRules(pw)).every(Boolean);

export const emailOk = (s: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim()) && s.trim().length <= 255;
