import { Fragment, type ComponentChildren } from "preact";
import type { EventPublic } from "../api/types";
import { form as t } from "../i18n/ko";
import { addDays } from "../lib/dates";

/**
 * The notices PIPA Art. 15(2) requires before consent: purpose, items,
 * retention (the end date plus the purge setting, from the API) and the
 * right to refuse with its consequence; the store is the controller.
 */
function Notice({ id, title, rows }: { id: string; title: string; rows: [string, ComponentChildren][] }) {
  return (
    <div id={id} class="notice">
      <p>{title}</p>
      <dl>
        {rows.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}

export function PrivacyNotice({ ev }: { ev: EventPublic }) {
  const until = addDays(ev.endDate, ev.retentionDays);
  return (
    <Notice
      id="privacy-notice"
      title={t.privacyTitle}
      rows={[
        [t.controller, ev.storeName],
        [t.purpose, t.privacyPurpose],
        [t.items, t.privacyItems],
        [t.retention, t.privacyRetention(ev.endDate, ev.retentionDays, until)],
        [t.refusal, t.privacyRefusal],
      ]}
    />
  );
}

export function MarketingNotice({ ev }: { ev: EventPublic }) {
  const until = addDays(ev.endDate, ev.retentionDays);
  return (
    <Notice
      id="marketing-notice"
      title={t.marketingTitle}
      rows={[
        [t.purpose, t.marketingPurpose(ev.storeName)],
        [t.items, t.marketingItems],
        [t.retention, t.marketingRetention(until)],
        [t.refusal, t.marketingRefusal],
      ]}
    />
  );
}
