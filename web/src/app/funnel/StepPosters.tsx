// Step 4: posters. ImageRequest (styles × platforms) answers 202 with a job,
// polled like the plans; then ImageList shows every poster at its own size
// (3 styles × 3 platforms) and ImageSelect picks the one the channels use.

import { useEffect, useRef, useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button, Field } from "../ui";
import { getDraft, listPosters, requestPosters, selectPoster } from "./api";
import { FunnelError, JobPanel, apiFieldErrors, fieldMessage, focusIfLost, useSingleFlight } from "./common";
import { fieldErrorMap } from "./state";
import type { StepProps } from "./props";
import type { Poster, PosterPlatform, PosterRequest, PosterStyle } from "./types";

export const STYLES: readonly PosterStyle[] = ["SIMPLE", "FANCY", "TRENDY"];
export const PLATFORMS: readonly PosterPlatform[] = ["INSTAGRAM", "NAVER", "KAKAO"];
const HEX = /^#[0-9A-Fa-f]{6}$/;

/** Posters grouped by style, each group in platform order (edited versions after their original). */
export function byStyle(posters: readonly Poster[]): { style: PosterStyle; items: Poster[] }[] {
  return STYLES.map((style) => ({
    style,
    items: posters.filter((p) => p.style === style).sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform)),
  })).filter((g) => g.items.length > 0);
}

export function PosterCard({ p, selected, pending, onPick }: { p: Poster; selected: boolean; pending: boolean; onPick?: () => void }) {
  const style = t.styles[p.style] ?? p.style;
  const platform = t.platforms[p.platform] ?? p.platform;
  return (
    <figure class={`funnel-poster${selected ? " is-picked" : ""}`}>
      <img src={p.imageUrl} width={p.width} height={p.height} loading="lazy" alt={t.posterAlt(style, platform, p.width, p.height)} />
      <figcaption>
        {platform} · {t.posterSize(p.width, p.height)}
        {selected && <strong class="funnel-badge"> {t.picked}</strong>}
      </figcaption>
      {onPick && (
        <Button variant={selected ? "primary" : "secondary"} busy={pending} aria-pressed={selected ? "true" : "false"} onClick={onPick}
          aria-label={`${t.pickPoster}: ${style} ${platform}`}>
          {selected ? t.picked : t.pickPoster}
        </Button>
      )}
    </figure>
  );
}

export function StepPosters({ draft, setDraft, job, startJob, endJob, go }: StepProps) {
  const [styles, setStyles] = useState<PosterStyle[]>([...STYLES]);
  const [platforms, setPlatforms] = useState<PosterPlatform[]>([...PLATFORMS]);
  const [brand, setBrand] = useState("");
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pickError, setPickError] = useState<unknown>(null);
  const [pending, run] = useSingleFlight();
  const [picking, runPick] = useSingleFlight();
  const started = useRef(false); // this page started the job (the panel takes the focus)
  const finished = useRef(false); // the job just ended: the grid's heading takes the focus the panel had
  const grid = useRef<HTMLHeadingElement>(null);

  const posters = draft.images;
  useEffect(() => {
    if (job || !finished.current || !grid.current) return;
    finished.current = false;
    focusIfLost(grid.current);
  }, [job, posters.length]);
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const submit = () =>
    run(async () => {
      const local: Record<string, string> = {};
      if (brand.trim() && !HEX.test(brand.trim())) local.brandColor = t.colorInvalid;
      setErrs(local);
      setError(null);
      if (Object.keys(local).length) return;
      const body: PosterRequest = { styles: STYLES.filter((s) => styles.includes(s)), platforms: PLATFORMS.filter((p) => platforms.includes(p)) };
      if (brand.trim()) body.brandColor = brand.trim().toUpperCase();
      try {
        const acc = await requestPosters(draft.eventId, body);
        started.current = true;
        startJob(acc.jobId);
      } catch (e) {
        setErrs(fieldErrorMap(apiFieldErrors(e), fieldMessage));
        setError(e);
      }
    });

  const onDone = async () => {
    const [imgs, d] = await Promise.all([listPosters(draft.eventId), getDraft(draft.eventId)]);
    setDraft({ ...d, images: imgs });
    finished.current = true;
    endJob();
  };

  const pick = (p: Poster) =>
    runPick(async () => {
      setPickError(null);
      try {
        setDraft(await selectPoster(draft.eventId, p.imageId));
        go(5);
      } catch (e) {
        setPickError(e);
      }
    });

  const has = posters.length > 0;
  return (
    <div>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>{t.postersLead}</p>
        <div class="funnel-row">
          <fieldset class="funnel-checks" disabled={!!job}>
            <legend>{t.stylesLegend}</legend>
            {STYLES.map((s) => (
              <label key={s} class="funnel-check">
                <input type="checkbox" name="styles" value={s} checked={styles.includes(s)} onChange={() => setStyles((l) => toggle(l, s))} />
                {t.styles[s]}
              </label>
            ))}
            {errs.styles && <p class="error">{errs.styles}</p>}
          </fieldset>
          <fieldset class="funnel-checks" disabled={!!job}>
            <legend>{t.platformsLegend}</legend>
            {PLATFORMS.map((p) => (
              <label key={p} class="funnel-check">
                <input type="checkbox" name="platforms" value={p} checked={platforms.includes(p)} onChange={() => setPlatforms((l) => toggle(l, p))} />
                {t.platforms[p]}
              </label>
            ))}
            {errs.platforms && <p class="error">{errs.platforms}</p>}
          </fieldset>
        </div>
        <Field type="text" id="poster-brand" label={t.brandColor} hint="#FF5733" value={brand} error={errs.brandColor} maxLength={7} autoComplete="off"
          disabled={!!job} onInput={(e) => setBrand(e.currentTarget.value)} />
        {job ? (
          <JobPanel jobId={job} takeFocus={started.current} onDone={onDone} onRetry={() => { endJob(); void submit(); }} />
        ) : (
          <>
            <FunnelError error={error} />
            <div class="funnel-actions">
              <Button variant="secondary" onClick={() => go(3)}>{t.back}</Button>
              <Button type="submit" busy={pending} busyLabel={t.jobQueued} variant={has ? "secondary" : "primary"}>
                {has ? t.remakePosters : t.makePosters}
              </Button>
            </div>
          </>
        )}
      </form>

      {!job && has && (
        <section aria-labelledby="posters-grid" class="funnel-posters">
          <h3 id="posters-grid" ref={grid} tabIndex={-1}>{t.pickPoster}</h3>
          <FunnelError error={pickError} />
          {byStyle(posters).map((g) => (
            <section key={g.style} aria-label={t.styles[g.style]}>
              <h4>{t.styles[g.style]}</h4>
              <div class="funnel-poster-row">
                {g.items.map((p) => (
                  <PosterCard key={p.imageId} p={p} selected={p.imageId === draft.selectedImageId} pending={picking} onPick={() => void pick(p)} />
                ))}
              </div>
            </section>
          ))}
          {draft.selectedImageId && (
            <div class="funnel-actions">
              <Button onClick={() => go(5)}>{t.next}</Button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
