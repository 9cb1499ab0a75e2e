// Step 6: channels and each channel's settings (ChannelSelect:
// { channels, settings: { URIDONGNETV: {radius, timeSlot}, GINITV: {timeSlot,
// region}, RINGOBIZ: {phoneNumber, message}, INSTAGRAM|NAVER|KAKAO:
// {scheduledTime, hashtags} } }). The API's field errors
// (settings.RINGOBIZ.phoneNumber, ...) are shown beside their fields.

import { useEffect, useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button, Field, descId } from "../ui";
import { confirmStoreLine, getStoreLine, selectChannels, sendStoreLineCode } from "./api";
import { ApiError } from "../../api/client";
import { FunnelError, apiFieldErrors, fieldMessage, funnelMessage, useSingleFlight } from "./common";
import { CHANNELS, RADII, SNS, TIME_SLOTS, channelFormOf, channelRequest, fieldErrorMap, type ChannelForm, unplacedErrors } from "./state";
import type { StepProps } from "./props";
import type { Channel } from "./types";

const digits = (s: string) => s.replace(/[\s\-().]/g, "");

/**
 * The form's own checks, keyed like the API's errors without `settings.`.
 * `line` is the store's verified number (undefined while unknown: the
 * server then decides, RINGO_001/RINGO_002).
 */
export function checkChannels(f: ChannelForm, now = Date.now(), line?: string | null): Record<string, string> {
  const e: Record<string, string> = {};
  if (f.selected.length === 0) e.channels = t.chooseChannel;
  if (f.selected.includes("RINGOBIZ")) {
    const d = digits(f.ringoPhone);
    if (!/^0\d{8,10}$/.test(d)) e["RINGOBIZ.phoneNumber"] = t.fieldErrors["RINGOBIZ.phoneNumber"]!;
    else if (line !== undefined && d !== line) e["RINGOBIZ.phoneNumber"] = t.ringoVerify.needed;
  }
  for (const ch of SNS) {
    if (!f.selected.includes(ch)) continue;
    const w = f.sns[ch]?.when;
    if (w && Date.parse(`${w}:00+09:00`) < now - 60_000) e[`${ch}.scheduledTime`] = t.fieldErrors.scheduledTime!;
  }
  return e;
}

/** Every input the form can show, by error key (what is not here goes to the form's note). */
export const PLACED = [
  "channels",
  "URIDONGNETV.radius",
  "URIDONGNETV.timeSlot",
  "GINITV.timeSlot",
  "GINITV.region",
  "RINGOBIZ.phoneNumber",
  "RINGOBIZ.message",
  ...SNS.flatMap((c) => [`${c}.scheduledTime`, `${c}.hashtags`]),
];

export function StepChannels({ draft, setDraft, go }: StepProps) {
  const [f, setF] = useState<ChannelForm>(() => channelFormOf(draft));
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, run] = useSingleFlight();
  // The store's verified line: undefined until known (or when it cannot be read).
  const [line, setLine] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    getStoreLine().then(setLine, () => setLine(undefined));
  }, []);

  const on = (ch: Channel) => f.selected.includes(ch);
  const toggle = (ch: Channel) =>
    setF((cur) => ({ ...cur, selected: cur.selected.includes(ch) ? cur.selected.filter((c) => c !== ch) : [...cur.selected, ch] }));
  const put = (k: keyof ChannelForm) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
    const v = e.currentTarget.value;
    setF((cur) => ({ ...cur, [k]: v }));
  };
  const putSns = (ch: string, k: "when" | "tags") => (e: { currentTarget: HTMLInputElement }) => {
    const v = e.currentTarget.value;
    setF((cur) => ({ ...cur, sns: { ...cur.sns, [ch]: { ...(cur.sns[ch] ?? { when: "", tags: "" }), [k]: v } } }));
  };

  const submit = () =>
    run(async () => {
      const local = checkChannels(f, Date.now(), line);
      setErrs(local);
      setError(null);
      if (Object.keys(local).length) return focusError(local);
      try {
        setDraft(await selectChannels(draft.eventId, channelRequest(f)));
        go(7);
      } catch (e) {
        const fe = fieldErrorMap(apiFieldErrors(e), fieldMessage, "settings.");
        if (e instanceof ApiError && (e.code === "RINGO_001" || e.code === "RINGO_002")) {
          fe["RINGOBIZ.phoneNumber"] = funnelMessage(e);
          setLine(e.code === "RINGO_001" ? null : line ?? null);
        }
        setErrs(fe);
        setError(e);
        focusError(fe);
      }
    });

  const sel = (id: string, label: string, value: string, options: readonly string[], names: Record<string, string> | null, k: keyof ChannelForm, err?: string) => (
    <Field id={id} label={label} error={err}>
      <select id={id} value={value} aria-invalid={err ? "true" : undefined} aria-describedby={err ? descId(id) : undefined} onChange={put(k)}>
        {options.map((o) => (
          <option key={o} value={o}>{names?.[o] ?? o}</option>
        ))}
      </select>
    </Field>
  );

  const extra = unplacedErrors(errs, PLACED);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>{t.channelsLead}</p>
      <fieldset class="funnel-channels" aria-describedby={errs.channels ? descId("ch-list") : undefined}>
        <legend>{t.channelsLegend}</legend>
        {errs.channels && <p class="error" id={descId("ch-list")}>{errs.channels}</p>}
        {CHANNELS.map((ch) => (
          <div key={ch} class={`funnel-channel card${on(ch) ? " is-picked" : ""}`}>
            <div class="funnel-check">
              <input type="checkbox" id={`ch-${ch}`} name="channels" value={ch} checked={on(ch)} aria-describedby={`ch-${ch}-line`} onChange={() => toggle(ch)} />
              <label for={`ch-${ch}`}>
                <strong>{t.channelNames[ch]}</strong>
              </label>
            </div>
            <p class="hint" id={`ch-${ch}-line`}>{t.channelLines[ch]}</p>
            {on(ch) && (
              <fieldset class="funnel-settings">
                <legend class="visually-hidden">{t.settingsOf(t.channelNames[ch] ?? ch)}</legend>
                {ch === "URIDONGNETV" && (
                  <div class="funnel-row">
                    {sel("tv-radius", t.radius, f.tvRadius, RADII, null, "tvRadius", errs["URIDONGNETV.radius"])}
                    {sel("tv-slot", t.timeSlot, f.tvSlot, TIME_SLOTS, t.timeSlots, "tvSlot", errs["URIDONGNETV.timeSlot"])}
                  </div>
                )}
                {ch === "GINITV" && (
                  <div class="funnel-row">
                    {sel("gini-slot", t.timeSlot, f.giniSlot, TIME_SLOTS, t.timeSlots, "giniSlot", errs["GINITV.timeSlot"])}
                    <Field type="text" id="gini-region" label={t.giniRegion} value={f.giniRegion} maxLength={100} error={errs["GINITV.region"]} onInput={put("giniRegion")} />
                  </div>
                )}
                {ch === "RINGOBIZ" && (
                  <>
                    <Field id="ringo-phone" label={t.ringoPhone} hint={t.ringoPhoneHint} required type="tel" inputMode="tel" autoComplete="tel"
                      value={f.ringoPhone} error={errs["RINGOBIZ.phoneNumber"]} onInput={put("ringoPhone")} />
                    <StoreLineCheck phone={f.ringoPhone} line={line} onVerified={(n) => {
                      setLine(n);
                      setErrs(({ ["RINGOBIZ.phoneNumber"]: _, ...rest }) => rest);
                    }} />
                    <Field type="text" id="ringo-message" label={t.ringoMessage} value={f.ringoMessage} maxLength={100} error={errs["RINGOBIZ.message"]}
                      onInput={put("ringoMessage")} />
                  </>
                )}
                {SNS.includes(ch) && (
                  <div class="funnel-row">
                    <Field id={`${ch}-when`} label={t.snsWhen} hint={t.snsWhenHint} type="datetime-local" value={f.sns[ch]?.when ?? ""}
                      error={errs[`${ch}.scheduledTime`]} onInput={putSns(ch, "when")} />
                    <Field type="text" id={`${ch}-tags`} label={t.snsTags} hint={t.snsTagsHint} value={f.sns[ch]?.tags ?? ""} error={errs[`${ch}.hashtags`]}
                      onInput={putSns(ch, "tags")} />
                  </div>
                )}
              </fieldset>
            )}
          </div>
        ))}
      </fieldset>
      {extra.length > 0 && (
        <ul class="error" role="alert">
          {extra.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      {Object.keys(errs).length === 0 ? <FunnelError error={error} /> : error != null && <p class="error" role="alert">{t.formErrors(Object.keys(errs).length)}</p>}
      <div class="funnel-actions">
        <Button variant="secondary" onClick={() => go(5)}>{t.back}</Button>
        <Button type="submit" busy={pending} busyLabel={t.saving}>{t.saveChannels}</Button>
      </div>
    </form>
  );
}

const IDS: Record<string, string> = {
  channels: "ch-URIDONGNETV",
  "URIDONGNETV.radius": "tv-radius",
  "URIDONGNETV.timeSlot": "tv-slot",
  "GINITV.timeSlot": "gini-slot",
  "GINITV.region": "gini-region",
  "RINGOBIZ.phoneNumber": "ringo-phone",
  "RINGOBIZ.message": "ringo-message",
};

/** The input an error key belongs to (its id), or null. */
export function inputIdOf(key: string): string | null {
  if (IDS[key]) return IDS[key];
  const m = /^(INSTAGRAM|NAVER|KAKAO)\.(scheduledTime|hashtags)$/.exec(key);
  return m ? `${m[1]}-${m[2] === "scheduledTime" ? "when" : "tags"}` : null;
}

function focusError(errs: Record<string, string>) {
  for (const k of PLACED) {
    if (!errs[k]) continue;
    const id = inputIdOf(k);
    if (id) queueMicrotask(() => document.getElementById(id)?.focus());
    return;
  }
}

/**
 * The store's line proved inline (인증번호 받기 → 인증번호 → 확인): shown while
 * the number typed is not the store's verified one. A right code makes it
 * the store's verified line (StorePhoneVerificationConfirm).
 */
function StoreLineCheck({ phone, line, onVerified }: { phone: string; line: string | null | undefined; onVerified: (n: string | null) => void }) {
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, run] = useSingleFlight();
  const d = digits(phone);
  if (line && d === line) return <p class="hint" role="status">{t.ringoVerify.verified(phone || line)}</p>;
  const send = () =>
    run(async () => {
      setError(null);
      try {
        await sendStoreLineCode(phone);
        setSent(true);
      } catch (e) {
        setError(funnelMessage(e));
      }
    });
  const confirm = () =>
    run(async () => {
      setError(null);
      if (!/^\d{6}$/.test(code.trim())) return setError(t.ringoVerify.badCode);
      try {
        onVerified(await confirmStoreLine(phone, code.trim()));
        setSent(false);
        setCode("");
      } catch (e) {
        setError(funnelMessage(e));
      }
    });
  return (
    <div class="funnel-verify" role="group" aria-labelledby="ringo-verify-title">
      <p id="ringo-verify-title"><strong>{t.ringoVerify.title}</strong></p>
      <p class="hint">{t.ringoVerify.lead}</p>
      <Button variant="secondary" busy={pending && !sent} onClick={() => void send()}>{sent ? t.ringoVerify.resend : t.ringoVerify.send}</Button>
      {sent && (
        <>
          <p class="hint" role="status">{t.ringoVerify.sent}</p>
          <div class="funnel-row">
            <Field type="text" id="ringo-code" label={t.ringoVerify.code} inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code}
              onInput={(e: { currentTarget: HTMLInputElement }) => setCode(e.currentTarget.value)} />
            <Button busy={pending} onClick={() => void confirm()}>{t.ringoVerify.confirm}</Button>
          </div>
        </>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
