import { useEffect, useRef, useState } from "preact/hooks";
import { submitEntry } from "../api/events";
import type { EventPublic, Receipt } from "../api/types";
import { form as t } from "../i18n/ko";
import { normalizePhone, reformatPhone } from "../lib/phone";
import { ApiError } from "../api/client";
import { verify as vt } from "../i18n/ko";
import { PhoneVerify, verifyMessage } from "./PhoneVerify";
import { MarketingNotice, PrivacyNotice } from "./Consent";
import { channelOf, outcomeOf, submissionOf, validate, visitCodeInput, type Field, type FieldErrors, type Source, type Values } from "./logic";

interface Props {
  ev: EventPublic;
  source: Source;
  /** The store visit code from the store QR link's v, "" when none. */
  linkCode?: string;
  onDone: (r: Receipt) => void;
  onAlready: () => void;
  onClosed: (message: string) => void;
}

const ids: Record<Field, string> = { name: "name", phone: "phone", email: "email", visitCode: "visit-code", agreePrivacy: "agree-privacy" };

/** aria-describedby from the ids that exist. */
const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

export function EntryForm({ ev, source, linkCode = "", onDone, onAlready, onClosed }: Props) {
  const [v, setV] = useState<Values>({ name: "", phone: "", email: "", agreePrivacy: false, agreeMarketing: false, visitCode: linkCode });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState("");
  const [wait, setWait] = useState(0);
  // The phone verification (events with verifyPhone): the token proves one number.
  const [proof, setProof] = useState<{ phone: string; token: string } | null>(null);
  const phoneNow = normalizePhone(v.phone);
  const verified = !!proof && proof.phone === phoneNow;
  const formRef = useRef<HTMLFormElement>(null);
  const values = useRef(v);
  values.current = v;

  const set = <K extends keyof Values>(k: K, value: Values[K]) => {
    setV((old) => ({ ...old, [k]: value }));
    if (k in errors) setErrors((old) => ({ ...old, [k]: undefined }));
  };

  async function send() {
    setBusy(true);
    setAlert("");
    try {
      const body = submissionOf(values.current, source, channelOf(window.innerWidth));
      if (ev.verifyPhone && proof) body.verificationToken = proof.token;
      onDone(await submitEntry(ev.eventId, body));
    } catch (err) {
      if (err instanceof ApiError && (err.code === "PHONE_009" || err.code === "PHONE_010")) {
        setProof(null);
        const m = verifyMessage(err).message;
        setErrors((old) => ({ ...old, phone: m }));
        setAlert(m);
        return;
      }
      const o = outcomeOf(err, ev);
      switch (o.kind) {
        case "already":
          return onAlready();
        case "closed":
          return onClosed(o.message);
        case "wait":
          setWait(o.seconds);
          setAlert(t.rateLimited(o.seconds));
          break;
        case "fields":
          setErrors(o.errors);
          setAlert(o.message);
          break;
        case "visit":
          // Beside the code field, which takes the focus; the typed entry stays.
          setErrors({ visitCode: o.message });
          setAlert(t.fieldInvalid);
          setTimeout(() => formRef.current?.querySelector<HTMLElement>(`#${ids.visitCode}`)?.focus());
          break;
        case "retry":
          setAlert(o.message);
      }
    } finally {
      setBusy(false);
    }
  }

  // PART_009: count down the seconds the server asked for, then send the
  // same entry again.
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => {
      if (wait === 1) {
        setWait(0);
        void send();
      } else setWait(wait - 1);
    }, 1000);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wait]);

  function onSubmit(e: Event) {
    e.preventDefault();
    if (busy || wait > 0) return;
    const found = validate(v);
    if (ev.verifyPhone && !found.phone && !verified) found.phone = vt.needed;
    setErrors(found);
    const first = (Object.keys(ids) as Field[]).find((f) => found[f]);
    if (first) {
      setAlert("");
      formRef.current?.querySelector<HTMLElement>(`#${ids[first]}`)?.focus();
      return;
    }
    void send();
  }

  function onPhoneInput(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const deleting = (e as InputEvent).inputType?.startsWith("delete") ?? false;
    const next = reformatPhone(v.phone, input.value, input.selectionStart ?? input.value.length, deleting);
    input.value = next.value;
    if (document.activeElement === input) input.setSelectionRange(next.caret, next.caret);
    set("phone", next.value);
  }

  // PART_010's way out: the same entry without the code (1 entry).
  function sendWithoutVisit() {
    if (busy || wait > 0) return;
    values.current = { ...values.current, visitCode: "" };
    setV(values.current);
    setErrors((old) => ({ ...old, visitCode: undefined }));
    void send();
  }

  // A code from the store QR link is shown as a confirmed visit; a refused
  // one turns back into the field, with the server's answer beside it.
  const visitFromLink = linkCode !== "" && v.visitCode === linkCode && !errors.visitCode;

  const err = (f: Field) => errors[f] && <p id={`${ids[f]}-error`} class="error">{errors[f]}</p>;
  const invalid = (f: Field) => (errors[f] ? "true" : undefined);

  return (
    <section class="card" aria-labelledby="form-title">
      <h2 id="form-title">{t.heading}</h2>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="name">{t.name}</label>
          <input id="name" name="name" type="text" autoComplete="name" maxLength={50} required aria-required="true"
            value={v.name} onInput={(e) => set("name", e.currentTarget.value)}
            aria-invalid={invalid("name")} aria-describedby={describedBy(errors.name && "name-error")} />
          {err("name")}
        </div>
        <div class="field">
          <label for="phone">{t.phone}</label>
          <input id="phone" name="phone" type="tel" inputMode="numeric" autoComplete="tel" required aria-required="true"
            value={v.phone} onInput={onPhoneInput}
            aria-invalid={invalid("phone")} aria-describedby={describedBy("phone-hint", errors.phone && "phone-error")} />
          <p id="phone-hint" class="hint">{t.phoneHint}</p>
          {err("phone")}
        </div>
        {ev.verifyPhone && (
          <PhoneVerify eventId={ev.eventId} phone={phoneNow} verified={verified}
            onVerified={(phone, token) => { setProof({ phone, token }); setErrors((old) => ({ ...old, phone: undefined })); }}
            onPhoneError={(message) => setErrors((old) => ({ ...old, phone: message || undefined }))} />
        )}
        <div class="field">
          <label for="email">{t.email}</label>
          <input id="email" name="email" type="email" inputMode="email" autoComplete="email" maxLength={100}
            value={v.email} onInput={(e) => set("email", e.currentTarget.value)}
            aria-invalid={invalid("email")} aria-describedby={describedBy("email-hint", errors.email && "email-error")} />
          <p id="email-hint" class="hint">{t.emailHint}</p>
          {err("email")}
        </div>
        {visitFromLink ? (
          <div class="card ok" role="status">
            <p><strong>{t.visitConfirmed}</strong></p>
            <p class="small">{t.visitConfirmedBody}</p>
          </div>
        ) : (
          <div class="field">
            <label for="visit-code">{t.visitCode}</label>
            <input id="visit-code" name="visitCode" type="text" inputMode="numeric" pattern="[0-9]*" autoComplete="off" maxLength={6}
              value={v.visitCode} onInput={(e) => {
                const next = visitCodeInput(e.currentTarget.value);
                e.currentTarget.value = next;
                set("visitCode", next);
              }}
              aria-invalid={invalid("visitCode")} aria-describedby={describedBy("visit-code-hint", errors.visitCode && "visit-code-error")} />
            <p id="visit-code-hint" class="hint">{t.visitCodeHint}</p>
            {err("visitCode")}
            {errors.visitCode && v.visitCode && (
              <>
                <button type="button" class="secondary" onClick={sendWithoutVisit} aria-describedby="without-visit-hint"
                  aria-disabled={busy || wait > 0 ? "true" : undefined}>
                  {t.withoutVisit}
                </button>
                <p id="without-visit-hint" class="hint">{t.withoutVisitHint}</p>
              </>
            )}
          </div>
        )}
        <p class="small"><strong>{t.age}</strong></p>
        <div class="field">
          <div class="check">
            <input id="agree-privacy" type="checkbox" required aria-required="true" checked={v.agreePrivacy}
              onChange={(e) => set("agreePrivacy", e.currentTarget.checked)}
              aria-invalid={invalid("agreePrivacy")} aria-describedby={describedBy("privacy-notice", errors.agreePrivacy && "agree-privacy-error")} />
            <label for="agree-privacy">{t.privacy}</label>
          </div>
          <PrivacyNotice ev={ev} />
          {err("agreePrivacy")}
        </div>
        <div class="field">
          <div class="check">
            <input id="agree-marketing" type="checkbox" checked={v.agreeMarketing}
              onChange={(e) => set("agreeMarketing", e.currentTarget.checked)} aria-describedby="marketing-notice" />
            <label for="agree-marketing">{t.marketing}</label>
          </div>
          <MarketingNotice ev={ev} />
        </div>
        {alert && (
          <div class="card bad">
            <p role="alert">{alert}</p>
            {wait > 0 && <p class="small">{t.waitLeft(wait)}</p>}
          </div>
        )}
        <p role="status" class="small muted">{busy ? t.sending : ""}</p>
        <button type="submit" class="block" aria-disabled={busy || wait > 0 ? "true" : undefined}>
          {t.submit}
        </button>
      </form>
    </section>
  );
}
