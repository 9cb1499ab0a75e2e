import { analytics as t } from "../../i18n/console";
import { AnalyticsView } from "../analytics/AnalyticsView";
import { userBase } from "../analytics/api";
import "../analytics/analytics.css";
import type { RouteProps } from "../router";
import { getSession } from "../session";
import { Spinner, useTitle } from "../ui";

export default function AllAnalytics(_props: RouteProps) {
  useTitle(t.allTitle);
  const s = getSession();
  if (!s) return <Spinner />;
  return <AnalyticsView base={userBase(s.userId)} heading={t.allTitle} emptyNote={t.noEvents} />;
}
