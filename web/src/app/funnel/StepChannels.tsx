// Step 6: channels and each channel's settings (ChannelSelect:
// { channels, settings: { URIDONGNETV: {radius, timeSlot}, GINITV: {timeSlot,
// region}, RINGOBIZ: {phoneNumber, message}, INSTAGRAM|NAVER|KAKAO:
// {scheduledTime, hashtags} } }). The API's field errors
// (settings.RINGOBIZ.phoneNumber, ...) are shown beside their fields.

import { useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button, Field, descId } from "../ui";
import { selectChannels } from "./api";
import { FunnelError, apiFieldErrors, fieldMessage, useSingleFlight } from "./common";
import { CHANNELS, RADII, SNS, TIME_SLOTS, channelFormOf, channelRequest, fieldErrorMap, type ChannelForm, unplacedErrors } from "./state";
import type { StepProps } from "./props";
import type { Channel } from "./types";

/** The form's own checks, keyed like the API's errors without `settings.`. */
export function checkChannels(f: ChannelForm, now = Date.now()): Record<string, string> {
  const e: Record<string, string> = {};
  if (f.selected.length === 0) e.channels = t.chooseChannel;
  if (f.selected.includes("RINGOBIZ")) {
    const d = f.ringoPhone.replace(/[\s\-().]/g, "");
    if (!/^0\d{8,10}$/.test(d)) e["RINGOBIZ.phoneNumber"] = t.fieldErrors["RINGOBIZ.phoneNumber"]!;
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
      const local = checkChannels(f);
      setErrs(local);
      setError(null);
      if (Object.keys(local).length) return focusError(local);
      try {
        setDraft(await selectChannels(draft.eventId, channelRequest(f)));
        go(7);
      } catch (e) {
        const fe = fieldErrorMap(apiFieldErrors(e), fieldMessage, "settings.");
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
                    <Field type="text" id="ringo-message" label={t.ringoMessage} value={f.ringoMessage} maxLength={200} error={errs["RINGOBIZ.message"]}
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
