// The funnel's calls, one per operation of docs/openapi.yaml, through the
// console's authenticated api() (bearer token, silent refresh, ApiError).

import { api } from "../http";
import type { ChannelSelect, Draft, DraftUpdate, JobAccepted, Objective, PlanRequest, PlanSelect, Poster, PosterEdit, PosterRequest } from "./types";

const ev = (id: string) => `/api/v1/events/${encodeURIComponent(id)}`;

/** EventCreate */
export const createDraft = (objective: Objective) => api<Draft>("POST", "/api/v1/events/objectives", { objective });
/** EventGet */
export const getDraft = (id: string, signal?: AbortSignal) => api<Draft>("GET", ev(id), undefined, signal ? { signal } : {});
/** RecommendationRequest */
export const requestPlans = (id: string, body: PlanRequest) => api<JobAccepted>("POST", `${ev(id)}/ai-recommendations`, body);
/** RecommendationSelect */
export const selectPlan = (id: string, body: PlanSelect) => api<Draft>("PUT", `${ev(id)}/recommendations`, body);
/** ImageRequest */
export const requestPosters = (id: string, body: PosterRequest) => api<JobAccepted>("POST", `${ev(id)}/images`, body);
/** ImageList */
export const listPosters = (id: string) => api<Poster[]>("GET", `${ev(id)}/images`);
/** ImageSelect */
export const selectPoster = (id: string, imageId: string) =>
  api<Draft>("PUT", `${ev(id)}/images/${encodeURIComponent(imageId)}/select`);
/** ImageEdit */
export const editPoster = (id: string, imageId: string, body: PosterEdit) =>
  api<JobAccepted>("PUT", `${ev(id)}/images/${encodeURIComponent(imageId)}/edit`, body);
/** ChannelSelect */
export const selectChannels = (id: string, body: ChannelSelect) => api<Draft>("PUT", `${ev(id)}/channels`, body);
/** EventUpdate */
export const updateDraft = (id: string, body: DraftUpdate) => api<Draft>("PUT", ev(id), body);
/** EventPublish */
export const publishDraft = (id: string) => api<Draft>("POST", `${ev(id)}/publish`);

/** The store's verified line (UserProfileGet's store.verifiedPhoneNumber). */
export const getStoreLine = () =>
  api<{ store: { verifiedPhoneNumber?: string | null } }>("GET", "/api/v1/users/profile").then((p) => p.store.verifiedPhoneNumber ?? null);
/** StorePhoneVerificationStart */
export const sendStoreLineCode = (phoneNumber: string) =>
  api<{ expiresInSeconds: number; resendAfterSeconds: number }>("POST", "/api/v1/users/store/phone-verifications", { phoneNumber });
/** StorePhoneVerificationConfirm */
export const confirmStoreLine = (phoneNumber: string, code: string) =>
  api<{ verifiedPhoneNumber?: string | null }>("POST", "/api/v1/users/store/phone-verifications/confirm", { phoneNumber, code }).then(
    (s) => s.verifiedPhoneNumber ?? null,
  );
