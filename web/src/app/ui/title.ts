import { useEffect } from "preact/hooks";
import { shell } from "../../i18n/console";

/** useTitle sets the document title for a screen: "<title> | 이벤트 관리 | 사장님 콘솔". */
export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} | ${shell.title}` : shell.title;
  }, [title]);
}
