import { ApiError } from "../../api/client";
import { errors, shell } from "../../i18n/console";
import { Button } from "./Button";

/** The Korean message of an error: by the API's code, else a generic one. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const base = errors[e.code] ?? (e.status >= 500 ? errors.SERVER_500! : errors.unknown!);
    return e.retryAfter ? `${base} ${shell.retryAfter(e.retryAfter)}` : base;
  }
  return errors.unknown!;
}

/** Field errors of a VALIDATION_001 answer, by field name (the API's own messages). */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError) for (const f of e.fieldErrors) out[f.field] ??= f.message;
  return out;
}

/** An error where it happened, as an alert, with a retry when given. */
export function ErrorNote({ error, onRetry, message }: { error: unknown; onRetry?: () => void; message?: string }) {
  if (!error) return null;
  return (
    <div class="card bad error-note" role="alert">
      <p>{message ?? messageOf(error)}</p>
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {shell.retry}
        </Button>
      )}
    </div>
  );
}
