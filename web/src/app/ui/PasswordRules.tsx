import { auth } from "../../i18n/console";
import { passwordRules } from "../password";

/** The password policy, each rule ticked as it is met (read out politely). */
export function PasswordRules({ value }: { value: string }) {
  const r = passwordRules(value);
  const items: [boolean, string][] = [
    [r.length, auth.ruleLength],
    [r.letter, auth.ruleLetter],
    [r.digit, auth.ruleDigit],
    [r.symbol, auth.ruleSymbol],
  ];
  return (
    <ul class="rules" aria-label={auth.rulesLabel}>
      {items.map(([ok, label]) => (
        <li key={label} class={ok ? "met" : undefined}>
          {label}
          <span class="visually-hidden"> {ok ? auth.ruleMet : auth.ruleUnmet}</span>
        </li>
      ))}
    </ul>
  );
}
