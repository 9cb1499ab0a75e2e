// The API's shapes, from the types generated out of docs/openapi.yaml
// (src/api/schema.d.ts, `npm run gen:api` before every typecheck and
// build): a field renamed there breaks the build here, not a page.

import type { components, operations, paths } from "./schema";
import type { ProofBundle } from "../verify/verify";

/** The JSON body of a generated response or request body type. */
export type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;

export type EventPublic = JsonOf<operations["EventPublicGet"]["responses"][200]>;
export type EventResults = JsonOf<operations["EventResultsGet"]["responses"][200]>;
export type PublicWinner = EventResults["winners"][number];
export type Submission = JsonOf<operations["ParticipationSubmit"]["requestBody"]>;
export type PhoneCodeSent = JsonOf<operations["PhoneVerificationStart"]["responses"][202]>;
export type PhoneVerified = JsonOf<operations["PhoneVerificationConfirm"]["responses"][200]>;
export type Receipt = JsonOf<operations["ParticipationSubmit"]["responses"][201]>;
export type Source = components["schemas"]["Source"];
export type DrawProof = JsonOf<operations["DrawProofGet"]["responses"][200]>;
export type ViewRecord = components["schemas"]["ViewRecordRequest"];

/** An API path as the document spells it, so a moved route breaks the build. */
export type ApiPath = keyof paths;

// The verifier takes the bundle of docs/draw.md as its own type (it checks
// untrusted JSON field by field); the documented DrawProof must fit it.
type Fits<T extends U, U> = T;
export type DrawProofFitsVerifier = Fits<DrawProof, ProofBundle>;
