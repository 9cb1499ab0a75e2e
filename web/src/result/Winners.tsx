import type { EventResults } from "../api/types";
import { result as t } from "../i18n/ko";

export function Winners({ results }: { results: EventResults }) {
  return (
    <section class="card" aria-labelledby="winners-title">
      <h2 id="winners-title">{t.winnersHeading}</h2>
      {results.winners.length === 0 ? (
        <p>{t.noWinners}</p>
      ) : (
        <ol class="winners">
          {results.winners.map((w) => (
            <li key={w.rank}>
              <span class="rank">{t.rank(w.rank)}</span>
              <span>{w.name}</span>
              <span class="mono">{w.phoneNumber}</span>
              <span>
                <span class="muted small">{t.entryTail}</span> <strong class="mono">{w.entryTail}</strong>
              </span>
              {w.substitute && <span class="badge neutral">{t.substitute}</span>}
              {w.substitute && w.substituteCategory && <span class="muted small">{t.substituteReason(w.substituteCategory)}</span>}
            </li>
          ))}
        </ol>
      )}
      <p class="small muted">{t.maskNote}</p>
    </section>
  );
}
