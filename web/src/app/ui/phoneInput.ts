import { reformatPhone } from "../../lib/phone";

/** An onInput handler that keeps a Korean mobile number hyphenated while typing (caret kept). */
export function phoneInputHandler(prev: string, set: (v: string) => void) {
  return (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const deleting = (e as InputEvent).inputType?.startsWith("delete") ?? false;
    const next = reformatPhone(prev, input.value, input.selectionStart ?? input.value.length, deleting);
    input.value = next.value;
    if (document.activeElement === input) input.setSelectionRange(next.caret, next.caret);
    set(next.value);
  };
}
