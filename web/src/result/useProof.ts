import { useCallback, useRef, useState } from "preact/hooks";
import { getProofText } from "../api/events";

export type ProofState =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "failed" }
  | { status: "ready"; text: string; bundle: unknown };

/**
 * The proof bundle, fetched once however many parts of the page ask: the
 * verifier and "내 응모 확인" share it. The text is kept as served so the
 * download is byte for byte what was verified.
 */
export function useProof(eventId: string): [ProofState, () => Promise<ProofState>] {
  const [state, setState] = useState<ProofState>({ status: "idle" });
  const pending = useRef<Promise<ProofState> | null>(null);
  const load = useCallback(() => {
    if (!pending.current) {
      setState({ status: "loading" });
      pending.current = getProofText(eventId)
        .then((text): ProofState => ({ status: "ready", text, bundle: JSON.parse(text) as unknown }))
        .catch((): ProofState => {
          pending.current = null; // let a later request try again
          return { status: "failed" };
        })
        .then((s) => {
          setState(s);
          return s;
        });
    }
    return pending.current;
  }, [eventId]);
  return [state, load];
}
