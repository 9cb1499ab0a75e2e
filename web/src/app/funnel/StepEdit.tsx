// Step 5: edit the chosen poster's texts and colours (ImageEdit → a job that
// renders a new image; the old one stays), see the re-rendered poster and
// select it (ImageSelect). Optional: "next" keeps the poster as it is.

import { useEffect, useRef, useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button, Field } from "../ui";
import { editPoster, listPosters, selectPoster } from "./api";
import { FunnelError, JobPanel, apiFieldErrors, fieldMessage, focusIfLost, useSingleFlight } from "./common";
import { fieldErrorMap, unplacedErrors } from "./state";
import { PosterCard } from "./StepPosters";
import type { StepProps } from "./props";
import type { Poster, PosterEdit } from "./types";

const HEX = /^#[0-9A-Fa-f]{6}$/;
const TEXTS = ["title", "prizeText", "guideText"] as const;
const COLOURS = ["backgroundColor", "textColor", "accentColor"] as const;
type Key = (typeof TEXTS)[number] | (typeof COLOURS)[number];

/** The ImageEdit body: only what was typed (absent fields keep the poster's), plus local checks. */
export function editBody(f: Record<Key, string>): { body: PosterEdit; errors: Record<string, string> } {
  const body: PosterEdit = {};
  const errors: Record<string, string> = {};
  for (const k of TEXTS) {
    const v = f[k].trim();
    if (!v) continue;
    if ([...v].length > 200) errors[k] = t.textTooLong;
    body[k] = v;
  }
  for (const k of COLOURS) {
    const v = f[k].trim();
    if (!v) continue;
    if (!HEX.test(v)) errors[k] = t.colorInvalid;
    body[k] = v.toUpperCase();
  }
  return { body, errors };
}

/** The poster an edit of `source` produced: the newest image of its style and platform that is not it. */
export function renderedFrom(source: Poster, list: readonly Poster[], before: readonly string[] = []): Poster | null {
  const same = list.filter((p) => p.style === source.style && p.platform === source.platform && p.imageId !== source.imageId);
  const fresh = same.filter((p) => !before.includes(p.imageId));
  return (fresh.length ? fresh : same).at(-1) ?? null;
}

export function StepEdit({ draft, setDraft, job, startJob, endJob, go }: StepProps) {
  const source = draft.images.find((p) => p.imageId === draft.selectedImageId) ?? null;
  const [f, setF] = useState<Record<Key, string>>({
    title: "",
    prizeText: "",
    guideText: "",
    backgroundColor: "",
    textColor: "",
    accentColor: "",
  });
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<Poster | null>(null);
  const [before, setBefore] = useState<string[]>(() => draft.images.map((p) => p.imageId));
  const [pending, run] = useSingleFlight();
  const [picking, runPick] = useSingleFlight();
  const [pickError, setPickError] = useState<unknown>(null);
  const started = useRef(false); // this page started the job (the panel takes the focus)
  const finished = useRef(false); // the job just ended: the new poster's note takes the focus the panel had
  const note = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (job || !finished.current || !note.current) return;
    finished.current = false;
    focusIfLost(note.current);
  }, [job, rendered]);

  const submit = () =>
    run(async () => {
      if (!draft.selectedImageId) return;
      const { body, errors } = editBody(f);
      setErrs(errors);
      setError(null);
      if (Object.keys(errors).length) return;
      setBefore(draft.images.map((p) => p.imageId));
      try {
        const acc = await editPoster(draft.eventId, draft.selectedImageId, body);
        started.current = true;
        startJob(acc.jobId);
      } catch (e) {
        setErrs(fieldErrorMap(apiFieldErrors(e), fieldMessage));
        setError(e);
      }
    });

  const onDone = async () => {
    const imgs = await listPosters(draft.eventId);
    setDraft({ ...draft, images: imgs });
    if (source) setRendered(renderedFrom(source, imgs, before));
    finished.current = true;
    endJob();
  };

  const useIt = (p: Poster) =>
    runPick(async () => {
      setPickError(null);
      try {
        setDraft(await selectPoster(draft.eventId, p.imageId));
        go(6);
      } catch (e) {
        setPickError(e);
      }
    });

  const set = (k: Key) => (e: { currentTarget: HTMLInputElement }) => {
    const v = e.currentTarget.value;
    setF((cur) => ({ ...cur, [k]: v }));
  };
  const extra = unplacedErrors(errs, [...TEXTS, ...COLOURS]);
  const current = rendered ?? source;

  return (
    <div>
      <p>{t.editLead}</p>
      {current && (
        <div class="funnel-poster-row">
          <PosterCard p={current} selected={current.imageId === draft.selectedImageId} pending={false} />
        </div>
      )}
      {rendered && rendered.imageId !== draft.selectedImageId && (
        <div class="card soft" role="status" ref={note} tabIndex={-1}>
          <p>{t.rerendered}</p>
          <FunnelError error={pickError} />
          <Button busy={picking} onClick={() => void useIt(rendered)}>{t.useThis}</Button>
        </div>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset disabled={!!job}>
          <legend>{t.editTitle}</legend>
          <Field type="text" id="edit-title" label={t.posterTitle} placeholder={draft.eventName ?? ""} value={f.title} error={errs.title} maxLength={200} onInput={set("title")} />
          <Field type="text" id="edit-prize" label={t.prizeText} placeholder={draft.prize ?? ""} value={f.prizeText} error={errs.prizeText} maxLength={200} onInput={set("prizeText")} />
          <Field type="text" id="edit-guide" label={t.guideText} value={f.guideText} error={errs.guideText} maxLength={200} onInput={set("guideText")} />
          <div class="funnel-row">
            {COLOURS.map((k) => (
              <Field type="text" key={k} id={`edit-${k}`} label={t[k]} value={f[k]} error={errs[k]} maxLength={7} autoComplete="off" onInput={set(k)}
                hint={
                  <>
                    <span class="funnel-swatch" aria-hidden="true" style={HEX.test(f[k].trim()) ? { background: f[k].trim() } : undefined} /> #FF5733
                  </>
                }
              />
            ))}
          </div>
        </fieldset>
        {extra.length > 0 && (
          <ul class="error" role="alert">
            {extra.map((m) => <li key={m}>{m}</li>)}
          </ul>
        )}
        {job ? (
          <JobPanel jobId={job} takeFocus={started.current} onDone={onDone} onRetry={() => { endJob(); void submit(); }} />
        ) : (
          <>
            <FunnelError error={error} />
            <div class="funnel-actions">
              <Button variant="secondary" onClick={() => go(4)}>{t.back}</Button>
              <Button type="submit" variant="secondary" busy={pending} busyLabel={t.jobQueued}>{t.rerender}</Button>
              <Button onClick={() => go(6)}>{rendered && rendered.imageId !== draft.selectedImageId ? t.skipEdit : t.next}</Button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}
