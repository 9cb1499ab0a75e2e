// Distribution per channel, live while the fan-out runs, with a retry for a
// FAILED channel (which reopens the distribution and resumes the polling).

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { detail as t, errors, sources } from "../../i18n/console";
import { seoulDateTime } from "../format";
import type { Channel, DistributionStatus } from "../types";
import { Button, Card, ErrorNote, Spinner, messageOf } from "../ui";
import { getDistribution, retryChannel, type ChannelStatus } from "./api";
import { inProgress, watchDistribution, type Watcher } from "./distribution";

const tone: Record<string, string> = { SUCCESS: "ok", FAILED: "bad", IN_PROGRESS: "neutral", PENDING: "neutral", COMPLETED: "ok", PARTIAL_SUCCESS: "bad" };

export function DistributionPanel({ id }: { id: string }) {
  const [data, setData] = useState<DistributionStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [seenAt, setSeenAt] = useState<Date | null>(null);
  const watcher = useRef<Watcher | null>(null);

  useEffect(() => {
    const w = watchDistribution(
      (signal) => getDistribution(id, signal),
      (d) => {
        setData(d);
        setError(null);
        setSeenAt(new Date());
      },
      setError,
    );
    watcher.current = w;
    return () => w.stop();
  }, [id]);

  const notYet = error instanceof ApiError && error.code === "DIST_004";
  return (
    <Card title={t.distTitle}>
      {notYet ? (
        <p class="muted">{t.distNotYet}</p>
      ) : !data ? (
        error ? <ErrorNote error={error} onRetry={() => watcher.current?.refresh()} /> : <Spinner />
      ) : (
        <>
          <p class="dist-overall" aria-live="polite">
            <span class={`badge ${tone[data.overallStatus] ?? "neutral"}`}>{t.distOverall[data.overallStatus] ?? data.overallStatus}</span>{" "}
            {seenAt && <span class="muted">{t.distAt(seoulDateTime(seenAt))}</span>}
          </p>
          {inProgress(data) && <p class="muted small">{t.distLive}</p>}
          {error != null && <ErrorNote error={error} onRetry={() => watcher.current?.refresh()} />}
          <ul class="dist-list">
            {data.channels.map((c) => (
              <ChannelRow key={c.channel} id={id} c={c} onRetried={() => watcher.current?.refresh()} />
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function ChannelRow({ id, c, onRetried }: { id: string; c: ChannelStatus; onRetried: () => void }) {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const name = sources[c.channel] ?? c.channel;
  const retry = async () => {
    if (busy) return;
    setBusy(true);
    setMsg(null);
    try {
      await retryChannel(id, c.channel as Channel);
      setMsg({ ok: true, text: t.retried(name) });
      onRetried();
    } catch (e) {
      setMsg({ ok: false, text: e instanceof ApiError && errors[e.code] ? errors[e.code]! : messageOf(e) });
      if (e instanceof ApiError && e.code === "DIST_002") onRetried();
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="dist-row">
      <div class="dist-head">
        <strong>{name}</strong>
        <span class={`badge ${tone[c.status] ?? "neutral"}`}>{t.distStatus[c.status] ?? c.status}</span>
      </div>
      {(c.status === "IN_PROGRESS" || c.status === "PENDING") && <progress max={100} value={c.progress} aria-label={t.distProgress(name)} />}
      <p class="dist-meta muted small">
        {c.attempts > 0 && <span>{t.attempts(c.attempts)}</span>}
        {c.estimatedViews > 0 && <span>{t.estimatedViews(c.estimatedViews)}</span>}
        {c.nextAttemptAt && c.status !== "SUCCESS" && <span>{t.nextAttempt(seoulDateTime(c.nextAttemptAt))}</span>}
        {c.postUrl && (
          <a href={c.postUrl} target="_blank" rel="noopener noreferrer">
            {t.viewPost}
          </a>
        )}
      </p>
      {c.status === "FAILED" && (
        <>
          {c.errorMessage && <p class="error small">{c.errorMessage}</p>}
          <Button variant="secondary" busy={busy} busyLabel={t.retrying} aria-label={t.retryLabel(name)} onClick={retry}>
            {t.retry}
          </Button>
        </>
      )}
      {msg && (
        <p class={msg.ok ? "success small" : "error small"} role={msg.ok ? "status" : "alert"}>
          {msg.text}
        </p>
      )}
    </li>
  );
}
