import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type Loaded<T> = { state: "loading" } | { state: "failed"; error: unknown } | { state: "ready"; value: T };

/**
 * useLoad runs load once (and again on retry). A request the page started
 * before rendering can be handed in as first, so the data is on its way
 * while the framework boots.
 */
export function useLoad<T>(load: () => Promise<T>, first?: Promise<T>): [Loaded<T>, () => void] {
  const [s, setS] = useState<Loaded<T>>({ state: "loading" });
  const pending = useRef(first);
  const run = useCallback(() => {
    setS({ state: "loading" });
    const p = pending.current ?? load();
    pending.current = undefined;
    p.then(
      (value) => setS({ state: "ready", value }),
      (error: unknown) => setS({ state: "failed", error }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(run, [run]);
  return [s, run];
}
