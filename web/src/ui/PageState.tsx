import { ApiError } from "../api/client";
import { common } from "../i18n/ko";

/** The whole page while the event loads or when it cannot be shown. */
export function PageState({ error, onRetry }: { error?: unknown; onRetry?: () => void }) {
  if (!error)
    return (
      <main id="main">
        <p role="status">{common.loading}</p>
      </main>
    );
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <main id="main">
      <h1>{missing ? common.notFoundTitle : common.loadFailedTitle}</h1>
      <p>{missing ? common.notFoundBody : common.loadFailedBody}</p>
      {!missing && onRetry && (
        <button type="button" onClick={onRetry}>
          {common.retry}
        </button>
      )}
    </main>
  );
}
