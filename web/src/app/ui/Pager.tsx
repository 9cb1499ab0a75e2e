import { shell } from "../../i18n/console";
import { Link } from "../router";

/** Previous/next links for a page (from 0); hrefFor builds each page's URL so back/forward works. */
export function Pager({ page, totalPages, hrefFor }: { page: number; totalPages: number; hrefFor: (page: number) => string }) {
  if (totalPages <= 1) return null;
  return (
    <nav class="pager" aria-label={shell.pagination}>
      {page > 0 ? (
        <Link class="btn btn-secondary" href={hrefFor(page - 1)}>
          {shell.prev}
        </Link>
      ) : (
        <span class="btn btn-secondary" aria-disabled="true">
          {shell.prev}
        </span>
      )}
      <span class="pager-pos" aria-current="page">
        {shell.page(page + 1, totalPages)}
      </span>
      {page + 1 < totalPages ? (
        <Link class="btn btn-secondary" href={hrefFor(page + 1)}>
          {shell.next}
        </Link>
      ) : (
        <span class="btn btn-secondary" aria-disabled="true">
          {shell.next}
        </span>
      )}
    </nav>
  );
}
