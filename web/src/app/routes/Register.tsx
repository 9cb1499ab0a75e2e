import { useState } from "preact/hooks";
import { ApiError, json } from "../../api/client";
import { auth, errors as errText } from "../../i18n/console";
import { normalizePhone } from "../../lib/phone";
import { emailOk, passwordOk } from "../password";
import { Link, navigate, nextOf, type RouteProps } from "../router";
import { signIn } from "../session";
import type { RegisterRequest, RegisterResponse } from "../types";
import { Button, ErrorNote, Field, PasswordRules, descId, phoneInputHandler, useTitle } from "../ui";

type Key = "name" | "phoneNumber" | "email" | "password" | "passwordConfirm" | "storeName" | "industry" | "address" | "businessHours";
type Values = Record<Key, string>;
type Errors = Partial<Record<Key, string>>;

const ORDER: Key[] = ["name", "phoneNumber", "email", "password", "passwordConfirm", "storeName", "industry", "address", "businessHours"];

/** What each field says when the server (VALIDATION_001) or the form finds it wrong. */
const INVALID: Record<Key, string> = {
  name: auth.nameInvalid,
  phoneNumber: auth.phoneInvalid,
  email: auth.emailInvalid,
  password: auth.passwordInvalid,
  passwordConfirm: auth.passwordMismatch,
  storeName: auth.storeNameInvalid,
  industry: auth.industryInvalid,
  address: auth.addressInvalid,
  businessHours: errText.VALIDATION_001!,
};

export function validate(v: Values): Errors {
  const e: Errors = {};
  if ([...v.name.trim()].length < 2) e.name = INVALID.name;
  if (!normalizePhone(v.phoneNumber)) e.phoneNumber = INVALID.phoneNumber;
  if (!emailOk(v.email)) e.email = INVALID.email;
  if (!passwordOk(v.password)) e.password = INVALID.password;
  if (v.passwordConfirm !== v.password) e.passwordConfirm = INVALID.passwordConfirm;
  if (!v.storeName.trim()) e.storeName = INVALID.storeName;
  if (!v.industry) e.industry = INVALID.industry;
  if (!v.address.trim()) e.address = INVALID.address;
  return e;
}

/** Server answers as field errors: VALIDATION_001 per field, USER_001 on the phone, USER_002 on the email. */
export function serverErrors(err: unknown): Errors {
  if (!(err instanceof ApiError)) return {};
  if (err.code === "USER_001") return { phoneNumber: errText.USER_001! };
  if (err.code === "USER_002") return { email: errText.USER_002! };
  const e: Errors = {};
  if (err.code === "VALIDATION_001")
    for (const f of err.fieldErrors) if ((ORDER as string[]).includes(f.field)) e[f.field as Key] ??= INVALID[f.field as Key];
  return e;
}

export default function Register({ query }: RouteProps) {
  useTitle(auth.registerTitle);
  const [v, setV] = useState<Values>({ name: "", phoneNumber: "", email: "", password: "", passwordConfirm: "", storeName: "", industry: "", address: "", businessHours: "" });
  const [errs, setErrs] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: Key) => (val: string) => {
    setV((o) => ({ ...o, [k]: val }));
    if (errs[k]) setErrs((o) => ({ ...o, [k]: undefined }));
  };
  const onText = (k: Key) => (e: Event) => set(k)((e.currentTarget as HTMLInputElement).value);

  function focusFirst(e: Errors) {
    const k = ORDER.find((f) => e[f]);
    if (k) document.getElementById(k)?.focus();
  }

  async function onSubmit(ev: Event) {
    ev.preventDefault();
    if (busy) return;
    const e = validate(v);
    setErrs(e);
    setError(null);
    if (Object.keys(e).length) return focusFirst(e);
    setBusy(true);
    const body: RegisterRequest = {
      name: v.name.trim(),
      phoneNumber: normalizePhone(v.phoneNumber)!,
      email: v.email.trim(),
      password: v.password,
      storeName: v.storeName.trim(),
      industry: v.industry,
      address: v.address.trim(),
      businessHours: v.businessHours.trim() || null,
    };
    try {
      const r = await json<RegisterResponse>("POST", "/api/v1/users/register", body);
      signIn(r, body.name);
      navigate(nextOf(query), { replace: true });
    } catch (err) {
      const fe = serverErrors(err);
      setErrs(fe);
      // field problems are shown beside the fields; anything else above the button
      setError(Object.keys(fe).length ? null : err);
      setBusy(false);
      if (Object.keys(fe).length) focusFirst(fe);
    }
  }

  const count = Object.values(errs).filter(Boolean).length;
  return (
    <>
      <h1>{auth.registerTitle}</h1>
      <form onSubmit={onSubmit} noValidate>
        {count > 0 && (
          <p class="error" role="alert">
            {auth.formErrors(count)}
          </p>
        )}
        <fieldset>
          <legend>{auth.ownerSection}</legend>
          <Field id="name" label={auth.name} autoComplete="name" required maxLength={100} value={v.name} onInput={onText("name")} error={errs.name} />
          <Field id="phoneNumber" label={auth.phone} type="tel" inputMode="numeric" autoComplete="tel" required hint={auth.phoneHint}
            value={v.phoneNumber} onInput={phoneInputHandler(v.phoneNumber, set("phoneNumber"))} error={errs.phoneNumber} />
          <Field id="email" label={auth.email} type="email" inputMode="email" autoComplete="email" required maxLength={255}
            value={v.email} onInput={onText("email")} error={errs.email} />
          <Field id="password" label={auth.password} type="password" autoComplete="new-password" required
            value={v.password} onInput={onText("password")} error={errs.password} hint={<PasswordRules value={v.password} />} />
          <Field id="passwordConfirm" label={auth.passwordConfirm} type="password" autoComplete="new-password" required
            value={v.passwordConfirm} onInput={onText("passwordConfirm")} error={errs.passwordConfirm} />
        </fieldset>
        <fieldset>
          <legend>{auth.storeSection}</legend>
          <Field id="storeName" label={auth.storeName} required maxLength={200} autoComplete="organization" value={v.storeName} onInput={onText("storeName")} error={errs.storeName} />
          <Field id="industry" label={auth.industry} required error={errs.industry}>
            <select id="industry" name="industry" required value={v.industry} onChange={onText("industry")}
              aria-invalid={errs.industry ? "true" : undefined} aria-describedby={errs.industry ? descId("industry") : undefined}>
              <option value="">{auth.industryPick}</option>
              {auth.industries.map((i) => (
                <option key={i} value={i}>{i}</option>
              ))}
            </select>
          </Field>
          <Field id="address" label={auth.address} required maxLength={500} autoComplete="street-address" value={v.address} onInput={onText("address")} error={errs.address} />
          <Field id="businessHours" label={auth.businessHours} maxLength={500} hint={auth.businessHoursHint} value={v.businessHours} onInput={onText("businessHours")} error={errs.businessHours} />
        </fieldset>
        <ErrorNote error={error} />
        <Button type="submit" block busy={busy} busyLabel={auth.registering}>
          {auth.register}
        </Button>
      </form>
      <p class="form-note">
        {auth.haveAccount} <Link href="/app/login">{auth.toLogin}</Link>
      </p>
    </>
  );
}
