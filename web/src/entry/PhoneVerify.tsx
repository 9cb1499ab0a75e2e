// The phone verification step of an event with verifyPhone: 인증번호 받기
// texts a code (PhoneVerificationStart), the customer types it and 확인
// trades it for a token (PhoneVerificationConfirm) the entry then carries.
// Each PHONE code gets its Korean message beside the field it concerns;
// the rest of the form is untouched, so typed data stays.

import { useEffect, useState } from "preact/hooks";
import { ApiError, NETWORK } from "../api/client";
import { confirmPhoneCode, sendPhoneCode } from "../api/events";
import { form as ft, verify as t } from "../i18n/ko";

interface Props {
  eventId: string;
  /** The normalised phone (01012345678), or null while the field is not a valid number. */
  phone: string | null;
  verified: boolean;
  onVerified: (phone: string, token: string) => void;
  /** A problem to show at the phone field (or "" to clear it). */
  onPhoneError: (message: string) => void;
}

/** The Korean message of a failed verification call, and where it goes. */
export function verifyMessage(err: unknown): { at: "phone" | "code"; message: string } {
  if (!(err instanceof ApiError)) return { at: "phone", message: ft.server };
  const secs = err.retryAfter ?? err.extra.retryAfterSeconds ?? 60;
  switch (err.code) {
    case "PHONE_001":
    case "PHONE_007":
    case "PHONE_008":
    case "PHONE_009":
    case "PHONE_010":
    case "PHONE_011":
      return { at: "phone", message: t[err.code] };
    case "PHONE_002":
      return { at: "phone", message: t.PHONE_002(secs) };
    case "PHONE_006":
      return { at: "phone", message: t.PHONE_006(Math.max(1, Math.ceil(secs / 60))) };
    case "PHONE_003":
      return { at: "code", message: t.PHONE_003(err.extra.remainingTries ?? 0) };
    case "PHONE_004":
    case "PHONE_005":
      return { at: "code", message: t[err.code] };
    case "VALIDATION_001":
      return err.fieldErrors.some((f) => f.field === "code")
        ? { at: "code", message: t.codeFormat }
        : { at: "phone", message: ft.phoneInvalid };
    case NETWORK:
      return { at: "phone", message: ft.network };
  }
  return { at: "phone", message: ft.server };
}

export function PhoneVerify({ eventId, phone, verified, onVerified, onPhoneError }: Props) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [resendIn, setResendIn] = useState(0);

  useEffect(() => {
    if (resendIn <= 0) return;
    const timer = setTimeout(() => setResendIn((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [resendIn]);

  // A different number needs its own code.
  const codeSent = sentTo !== null && sentTo === phone;

  async function send() {
    if (busy || (codeSent && resendIn > 0)) return;
    if (!phone) return onPhoneError(ft.phoneInvalid);
    setBusy(true);
    setStatus(t.sending);
    onPhoneError("");
    setCodeError("");
    try {
      const sent = await sendPhoneCode(eventId, phone);
      setSentTo(phone);
      setCode("");
      setResendIn(sent.resendAfterSeconds);
      setStatus(t.sent);
    } catch (e) {
      setStatus("");
      const m = verifyMessage(e);
      if (e instanceof ApiError && e.code === "PHONE_002") {
        setSentTo(phone);
        setResendIn(e.retryAfter ?? 60);
      }
      if (m.at === "code") setCodeError(m.message);
      else onPhoneError(m.message);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (busy || !phone) return;
    if (!/^\d{6}$/.test(code)) return setCodeError(t.codeFormat);
    setBusy(true);
    setStatus(t.checking);
    setCodeError("");
    try {
      const v = await confirmPhoneCode(eventId, phone, code);
      setStatus(t.verified);
      onVerified(phone, v.verificationToken);
    } catch (e) {
      setStatus("");
      const m = verifyMessage(e);
      if (m.at === "code") setCodeError(m.message);
      else onPhoneError(m.message);
    } finally {
      setBusy(false);
    }
  }

  if (verified) {
    return (
      <p class="small" role="status">
        <span aria-hidden="true">✓ </span>
        {t.verified}
      </p>
    );
  }
  return (
    <div class="field">
      <button type="button" class="secondary" onClick={() => void send()}
        aria-disabled={busy || (codeSent && resendIn > 0) ? "true" : undefined} aria-describedby={codeSent && resendIn > 0 ? "resend-in" : undefined}>
        {codeSent ? t.resend : t.send}
      </button>
      {codeSent && resendIn > 0 && <p id="resend-in" class="hint">{t.resendIn(resendIn)}</p>}
      {codeSent && (
        <div class="field">
          <label for="verify-code">{t.code}</label>
          <input id="verify-code" name="verify-code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={6}
            value={code} onInput={(e) => { setCode(e.currentTarget.value.replace(/\D/g, "")); setCodeError(""); }}
            onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); void confirm(); } }}
            aria-invalid={codeError ? "true" : undefined} aria-describedby={codeError ? "verify-code-hint verify-code-error" : "verify-code-hint"} />
          <p id="verify-code-hint" class="hint">{t.codeHint}</p>
          {codeError && <p id="verify-code-error" class="error">{codeError}</p>}
          <button type="button" class="secondary" onClick={() => void confirm()} aria-disabled={busy ? "true" : undefined}>{t.confirm}</button>
        </div>
      )}
      <p role="status" class="small muted">{status}</p>
    </div>
  );
}
