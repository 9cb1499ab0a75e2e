// /app/events/{id}/participants: the masked list with filters, search and
// paging kept in the URL, and the CSV download.

import { useEffect, useState } from "preact/hooks";
import { integrity as ti, participants as t, events as te, sources } from "../../i18n/console";
import { seoulDateTime } from "../format";
import { useApi } from "../http";
import { Link, navigate } from "../router";
import type { Event, ParticipantPage } from "../types";
import { Button, EmptyState, ErrorNote, Field, Pager, Spinner, descId, useTitle } from "../ui";
import { eventPath } from "./api";
import { downloadCsv } from "./csv";
import { anomalyLines, hasAnomalies, searchProblem } from "./integrity";
import { ENTRY_CHANNELS, PAGE_SIZES, SEARCH_MAX, filtersFromQuery, hasFilters, queryOf, withFilter, type ParticipantFilters } from "./participantsQuery";

const tri = (v: boolean | null) => (v === null ? "" : String(v));
const fromTri = (v: string) => (v === "" ? null : v === "true");

export function ParticipantsScreen({ id, query }: { id: string; query: URLSearchParams }) {
  const f = filtersFromQuery(query);
  const base = `/app/events/${encodeURIComponent(id)}/participants`;
  const hrefOf = (g: ParticipantFilters) => {
    const q = queryOf(g);
    return q ? `${base}?${q}` : base;
  };
  const go = (g: ParticipantFilters) => navigate(hrefOf(g));
  const ev = useApi<Event>(eventPath(id));
  const list = useApi<ParticipantPage>(`${eventPath(id)}/participants?${queryOf(f, true)}`);
  const [search, setSearch] = useState(f.search);
  const [searchErr, setSearchErr] = useState<string | null>(null);
  useEffect(() => setSearch(f.search), [f.search]);
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvMsg, setCsvMsg] = useState<string | null>(null);
  const [csvErr, setCsvErr] = useState<unknown>(null);
  useTitle(t.title);

  const page = list.data;
  return (
    <>
      <p>
        <Link href={`/app/events/${encodeURIComponent(id)}`} class="tap">← {t.toEvent}</Link>
      </p>
      <div class="page-head">
        <h1>
          {t.title} {ev.data && <span class="muted sub">{ev.data.eventName ?? te.untitled}</span>}
        </h1>
        <Button
          variant="secondary"
          busy={csvBusy}
          busyLabel={t.csvBusy}
          aria-describedby="csv-note"
          onClick={async () => {
            setCsvBusy(true);
            setCsvErr(null);
            setCsvMsg(null);
            try {
              await downloadCsv(id);
              setCsvMsg(t.csvDone);
            } catch (e) {
              setCsvErr(e);
            } finally {
              setCsvBusy(false);
            }
          }}
        >
          {t.csv}
        </Button>
      </div>
      <p id="csv-note" class="muted small">
        {t.csvNote}
      </p>
      {csvMsg && (
        <p role="status" class="success small">
          {csvMsg}
        </p>
      )}
      <ErrorNote error={csvErr} />

      <form
        class="p-filters"
        role="search"
        aria-label={t.filters}
        onSubmit={(e) => {
          e.preventDefault();
          const problem = searchProblem(search);
          if (problem) return setSearchErr(problem === "short" ? t.searchShort : t.searchPartialNumber);
          setSearchErr(null);
          go(withFilter(f, { search }));
        }}
      >
        <div class="field p-search">
          <label for="p-search">{t.search}</label>
          <div class="p-search-row">
            <input id="p-search" type="search" value={search} maxLength={SEARCH_MAX}
              aria-describedby={searchErr ? `${descId("p-search")} p-search-error` : descId("p-search")} aria-invalid={searchErr ? "true" : undefined}
              onInput={(e) => {
                setSearch((e.target as HTMLInputElement).value);
                setSearchErr(null);
              }} />
            <Button type="submit">{t.searchButton}</Button>
          </div>
          <div id={descId("p-search")} class="hint">
            {t.searchHint}
          </div>
          {searchErr && (
            <div id="p-search-error" class="error" role="alert">
              {searchErr}
            </div>
          )}
        </div>
        <Field id="p-visited" label={t.storeVisited}>
          <select id="p-visited" value={tri(f.storeVisited)} onChange={(e) => go(withFilter(f, { storeVisited: fromTri((e.target as HTMLSelectElement).value) }))}>
            <option value="">{t.any}</option>
            <option value="true">{t.visitedYes}</option>
            <option value="false">{t.visitedNo}</option>
          </select>
        </Field>
        <Field id="p-channel" label={t.channel}>
          <select id="p-channel" value={f.channel ?? ""}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              go(withFilter(f, { channel: ENTRY_CHANNELS.find((c) => c === v) ?? null }));
            }}>
            <option value="">{t.any}</option>
            {ENTRY_CHANNELS.map((c) => (
              <option value={c} key={c}>
                {t.channels[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="p-winner" label={t.isWinner}>
          <select id="p-winner" value={tri(f.isWinner)} onChange={(e) => go(withFilter(f, { isWinner: fromTri((e.target as HTMLSelectElement).value) }))}>
            <option value="">{t.any}</option>
            <option value="true">{t.winnerYes}</option>
            <option value="false">{t.winnerNo}</option>
          </select>
        </Field>
        <Field id="p-size" label={t.size}>
          <select id="p-size" value={String(f.size)} onChange={(e) => go(withFilter(f, { size: Number((e.target as HTMLSelectElement).value) }))}>
            {PAGE_SIZES.map((n) => (
              <option value={String(n)} key={n}>
                {t.perPage(n)}
              </option>
            ))}
          </select>
        </Field>
      </form>

      <div class="p-bar">
        <p class="muted small" aria-live="polite">
          {page ? t.count(page.totalElements) : ""}
        </p>
        {hasFilters(f) && (
          <Link class="btn btn-ghost" href={base}>
            {t.reset}
          </Link>
        )}
      </div>

      {hasAnomalies(page?.anomalies) && (
        <section class="card anomalies" aria-labelledby="anomalies-title">
          <h2 id="anomalies-title">{ti.title}</h2>
          <p class="muted small">{ti.intro(page.anomalies.networkThreshold, page.anomalies.burstThreshold)}</p>
          <ul>
            {anomalyLines(page.anomalies).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      )}

      {list.error ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : !page ? (
        <Spinner />
      ) : page.content.length === 0 ? (
        <EmptyState>{hasFilters(f) ? t.emptyFiltered : t.empty}</EmptyState>
      ) : (
        <>
          <p class="muted small">{t.masked}</p>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t.caption}>
            <table class="p-table" aria-busy={list.loading ? "true" : undefined}>
              <caption class="visually-hidden">{t.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.colId}</th>
                  <th scope="col">{t.colName}</th>
                  <th scope="col">{t.colPhone}</th>
                  <th scope="col">{t.colSource}</th>
                  <th scope="col">{t.colChannel}</th>
                  <th scope="col">{t.colVisited}</th>
                  <th scope="col" class="num">{t.colEntries}</th>
                  <th scope="col">{t.colWinner}</th>
                  <th scope="col">{t.colAt}</th>
                  <th scope="col">{t.colFlags}</th>
                </tr>
              </thead>
              <tbody>
                {page.content.map((p) => (
                  <tr key={p.participantId}>
                    <td data-label={t.colId}>{p.participantId}</td>
                    <td data-label={t.colName}>{p.name || "-"}</td>
                    <td data-label={t.colPhone}>{p.phoneNumber || "-"}</td>
                    <td data-label={t.colSource}>{sources[p.source] ?? p.source}</td>
                    <td data-label={t.colChannel}>{t.channels[p.channel] ?? p.channel}</td>
                    <td data-label={t.colVisited}>{p.storeVisited ? t.yes : t.no}</td>
                    <td data-label={t.colEntries} class="num">{p.bonusEntries}</td>
                    <td data-label={t.colWinner}>
                      {p.isWinner && p.winnerRank ? t.rank(p.winnerRank) : p.disqualified ? t.disqualified : "-"}
                    </td>
                    <td data-label={t.colAt}>{seoulDateTime(p.participatedAt)}</td>
                    <td data-label={t.colFlags}>
                      {p.flags.length === 0
                        ? "-"
                        : p.flags.map((fl) => (
                            <span class="badge bad" key={fl}>
                              {ti.flags[fl] ?? fl}
                            </span>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page.page} totalPages={page.totalPages} hrefFor={(n) => hrefOf({ ...f, page: n })} />
        </>
      )}
    </>
  );
}
