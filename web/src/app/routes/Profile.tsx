import { useEffect, useState } from "preact/hooks";
import { ApiError, bodyOf } from "../../api/client";
import { auth, errors as errText, shell } from "../../i18n/console";
import { formatPhone, normalizePhone, phoneDigits } from "../../lib/phone";
import { api, apiRaw } from "../http";
import { emailOk, passwordOk } from "../password";
import type { RouteProps } from "../router";
import { setName, signOut } from "../session";
import type { Profile as ProfileT, ProfileUpdate } from "../types";
import { Button, Card, Confirm, ErrorNote, Field, PasswordRules, Spinner, descId, phoneInputHandler, useTitle } from "../ui";

type Key = "name" | "phoneNumber" | "email" | "storeName" | "industry" | "address" | "businessHours";
type Values = Record<Key, string>;
type Errors = Partial<Record<Key, string>>;
const KEYS: Key[] = ["name", "phoneNumber", "email", "storeName", "industry", "address", "businessHours"];

const INVALID: Record<Key, string> = {
  name: auth.nameInvalid,
  phoneNumber: auth.phoneInvalid,
  email: auth.emailInvalid,
  storeName: auth.storeNameInvalid,
  industry: auth.industryInvalid,
  address: auth.addressInvalid,
  businessHours: errText.VALIDATION_001!,
};

function valuesOf(p: ProfileT): Values {
  return {
    name: p.name,
    phoneNumber: formatPhone(phoneDigits(p.phoneNumber)),
    email: p.email,
    storeName: p.store.name,
    industry: p.store.industry,
    address: p.store.address,
    businessHours: p.store.businessHours ?? "",
  };
}

function validate(v: Values): Errors {
  const e: Errors = {};
  if ([...v.name.trim()].length < 2) e.name = INVALID.name;
  if (!normalizePhone(v.phoneNumber)) e.phoneNumber = INVALID.phoneNumber;
  if (!emailOk(v.email)) e.email = INVALID.email;
  if (!v.storeName.trim()) e.storeName = INVALID.storeName;
  if (!v.industry.trim()) e.industry = INVALID.industry;
  if (!v.address.trim()) e.address = INVALID.address;
  return e;
}

/** Only what changed from the copy read, in the API's form. */
export function changes(base: Values, v: Values): ProfileUpdate {
  const out: ProfileUpdate = {};
  for (const k of KEYS) {
    if (v[k].trim() === base[k].trim()) continue;
    if (k === "phoneNumber") out.phoneNumber = normalizePhone(v[k]) ?? v[k];
    else out[k] = v[k].trim();
  }
  return out;
}

/**
 * After a conflict: the server's copy, with the owner's own edits kept on
 * top (a field they did not touch takes the new value).
 */
export function rebase(oldBase: Values, typed: Values, fresh: Values): Values {
  const out = { ...fresh };
  for (const k of KEYS) if (typed[k].trim() !== oldBase[k].trim()) out[k] = typed[k];
  return out;
}

async function readProfile(): Promise<{ profile: ProfileT; etag: string }> {
  const res = await apiRaw("GET", "/api/v1/users/profile");
  const profile = await bodyOf<ProfileT>(res);
  return { profile, etag: res.headers.get("ETag") ?? `"v${profile.version}"` };
}

function ProfileForm({ profile, etag }: { profile: ProfileT; etag: string }) {
  const [base, setBase] = useState(() => valuesOf(profile));
  const [tag, setTag] = useState(etag);
  const [v, setV] = useState(base);
  const [errs, setErrs] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (k: Key) => (val: string) => {
    setV((o) => ({ ...o, [k]: val }));
    setNote("");
    if (errs[k]) setErrs((o) => ({ ...o, [k]: undefined }));
  };
  const onText = (k: Key) => (e: Event) => set(k)((e.currentTarget as HTMLInputElement).value);

  async function onSubmit(ev: Event) {
    ev.preventDefault();
    if (busy) return;
    const e = validate(v);
    setErrs(e);
    setError(null);
    setNote("");
    const first = KEYS.find((k) => e[k]);
    if (first) return document.getElementById(first)?.focus();
    const body = changes(base, v);
    if (!Object.keys(body).length) return setNote(auth.profileSaved);
    setBusy(true);
    try {
      const res = await apiRaw("PUT", "/api/v1/users/profile", body, { headers: { "If-Match": tag } });
      const p = await bodyOf<ProfileT>(res);
      const fresh = valuesOf(p);
      setBase(fresh);
      setV(fresh);
      setTag(res.headers.get("ETag") ?? `"v${p.version}"`);
      setNote(auth.profileSaved);
      setName(p.name);
    } catch (err) {
      if (err instanceof ApiError && err.code === "USER_005") {
        // someone saved first: take their copy, keep this owner's edits on top
        try {
          const { profile: p, etag: t } = await readProfile();
          const fresh = valuesOf(p);
          setV(rebase(base, v, fresh));
          setBase(fresh);
          setTag(t);
        } catch {
          // the message below still applies; the next save tries again
        }
        setError(err);
      } else if (err instanceof ApiError && (err.code === "USER_001" || err.code === "USER_002")) {
        const k: Key = err.code === "USER_001" ? "phoneNumber" : "email";
        setErrs({ [k]: errText[err.code]! });
        document.getElementById(k)?.focus();
      } else if (err instanceof ApiError && err.code === "VALIDATION_001" && err.fieldErrors.length) {
        const fe: Errors = {};
        for (const f of err.fieldErrors) if ((KEYS as string[]).includes(f.field)) fe[f.field as Key] ??= INVALID[f.field as Key];
        setErrs(fe);
        if (!Object.keys(fe).length) setError(err);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <fieldset>
        <legend>{auth.ownerSection}</legend>
        <Field id="name" label={auth.name} autoComplete="name" required maxLength={100} value={v.name} onInput={onText("name")} error={errs.name} />
        <Field id="phoneNumber" label={auth.phone} type="tel" inputMode="numeric" autoComplete="tel" required hint={auth.phoneHint}
          value={v.phoneNumber} onInput={phoneInputHandler(v.phoneNumber, set("phoneNumber"))} error={errs.phoneNumber} />
        <Field id="email" label={auth.email} type="email" inputMode="email" autoComplete="email" required maxLength={255}
          value={v.email} onInput={onText("email")} error={errs.email} />
      </fieldset>
      <fieldset>
        <legend>{auth.storeSection}</legend>
        <Field id="storeName" label={auth.storeName} required maxLength={200} value={v.storeName} onInput={onText("storeName")} error={errs.storeName} />
        <Field id="industry" label={auth.industry} required error={errs.industry}>
          <select id="industry" name="industry" required value={v.industry} onChange={onText("industry")}
            aria-invalid={errs.industry ? "true" : undefined} aria-describedby={errs.industry ? descId("industry") : undefined}>
            {!auth.industries.includes(v.industry) && <option value={v.industry}>{v.industry || auth.industryPick}</option>}
            {auth.industries.map((i) => (
              <option key={i} value={i}>{i}</option>
            ))}
          </select>
        </Field>
        <Field id="address" label={auth.address} required maxLength={500} value={v.address} onInput={onText("address")} error={errs.address} />
        <Field id="businessHours" label={auth.businessHours} maxLength={500} hint={auth.businessHoursHint} value={v.businessHours} onInput={onText("businessHours")} error={errs.businessHours} />
      </fieldset>
      <ErrorNote error={error} message={error instanceof ApiError && error.code === "USER_005" ? auth.profileConflict : undefined} />
      <p role="status" class="success">{note}</p>
      <Button type="submit" busy={busy} busyLabel={shell.saving}>
        {auth.profileSave}
      </Button>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errs, setErrs] = useState<{ current?: string; next?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  async function onSubmit(ev: Event) {
    ev.preventDefault();
    if (busy) return;
    const e: typeof errs = {};
    if (!current) e.current = auth.passwordRequired;
    if (!passwordOk(next)) e.next = auth.passwordInvalid;
    setErrs(e);
    setError(null);
    setNote("");
    if (e.current || e.next) return document.getElementById(e.current ? "currentPassword" : "newPassword")?.focus();
    setBusy(true);
    try {
      await api<void>("PUT", "/api/v1/users/password", { currentPassword: current, newPassword: next });
      setCurrent("");
      setNext("");
      setNote(auth.passwordChanged);
    } catch (err) {
      if (err instanceof ApiError && err.code === "USER_004") {
        setErrs({ current: errText.USER_004! });
        document.getElementById("currentPassword")?.focus();
      } else if (err instanceof ApiError && err.code === "VALIDATION_001") {
        setErrs({ next: auth.passwordInvalid });
        document.getElementById("newPassword")?.focus();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field id="currentPassword" label={auth.currentPassword} type="password" autoComplete="current-password" required
        value={current} onInput={(e) => setCurrent(e.currentTarget.value)} error={errs.current} />
      <Field id="newPassword" label={auth.newPassword} type="password" autoComplete="new-password" required
        value={next} onInput={(e) => setNext(e.currentTarget.value)} error={errs.next} hint={<PasswordRules value={next} />} />
      <ErrorNote error={error} />
      <p role="status" class="success">{note}</p>
      <Button type="submit" variant="secondary" busy={busy} busyLabel={shell.saving}>
        {auth.changePassword}
      </Button>
    </form>
  );
}

function Logout() {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  async function onConfirm() {
    setBusy(true);
    try {
      await api<void>("POST", "/api/v1/users/logout");
    } catch {
      // signed out here either way; the server forgets the session when its tokens expire
    }
    setOpen(false);
    signOut();
  }
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {auth.logout}
      </Button>
      <Confirm open={open} title={auth.logoutConfirmTitle} confirmLabel={auth.logout} danger busy={busy} onConfirm={onConfirm} onCancel={() => setOpen(false)}>
        <p>{auth.logoutConfirmBody}</p>
      </Confirm>
    </>
  );
}

export default function Profile(_props: RouteProps) {
  useTitle(auth.profileTitle);
  const [state, setState] = useState<{ profile: ProfileT; etag: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    readProfile().then(
      (s) => live && setState(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [tick]);

  return (
    <>
      <h1>{auth.profileTitle}</h1>
      {state ? (
        <>
          <Card title={auth.profileInfo}>
            <ProfileForm profile={state.profile} etag={state.etag} />
          </Card>
        </>
      ) : error ? (
        <ErrorNote error={error} onRetry={() => setTick((t) => t + 1)} />
      ) : (
        <Spinner />
      )}
      <Card title={auth.passwordSection}>
        <PasswordForm />
      </Card>
      <Card title={auth.logoutSection}>
        <Logout />
      </Card>
    </>
  );
}
