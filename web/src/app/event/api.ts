// The owner calls of the event pages (detail, participants, draw), each a
// documented operation of docs/openapi.yaml, through the console's http.ts.

import { api } from "../http";
import type { Channel, DisqualifyResponse, DistributionStatus, Draw, DrawRequest, Event, NotifyReceipt, Ok, ParticipantPage, WinnerPage } from "../types";
import type { DisqualifyCategory } from "./integrity";

export type RetryReceipt = Ok<"DistributionRetry", 202>;
export type DrawProof = Ok<"DrawProofGet", 200>;
/** A short-lived read-only Blob link (ParticipantExport, DrawProofLink). */
export type DownloadLink = Ok<"ParticipantExport", 200>;
export type ChannelStatus = DistributionStatus["channels"][number];

const enc = encodeURIComponent;
export const eventPath = (id: string) => `/api/v1/events/${enc(id)}`;
const distPath = (id: string) => `/api/v1/distribution/${enc(id)}`;

export const getEvent = (id: string) => api<Event>("GET", eventPath(id));
export const endEvent = (id: string) => api<Event>("POST", `${eventPath(id)}/end`);
/** Today's store visit code (VisitCodeGet): the store QR code and the counter poster carry it. */
export const visitCodePath = (id: string) => `${eventPath(id)}/visit-code`;

export const getDistribution = (id: string, signal?: AbortSignal) =>
  api<DistributionStatus>("GET", `${distPath(id)}/status`, undefined, signal ? { signal } : undefined);
export const retryChannel = (id: string, channel: Channel) =>
  api<RetryReceipt>("POST", `${distPath(id)}/channels/${enc(channel)}/retry`);

export const listParticipants = (id: string, query: string, signal?: AbortSignal) =>
  api<ParticipantPage>("GET", `${eventPath(id)}/participants?${query}`, undefined, signal ? { signal } : undefined);
/** The CSV's link (ParticipantExport): the file itself comes from Blob storage. */
export const exportParticipants = (id: string) => api<DownloadLink>("GET", `${eventPath(id)}/participants/export`);

export const drawWinners = (id: string, body: DrawRequest) => api<Draw>("POST", `${eventPath(id)}/draw-winners`, body);
export const listWinners = (id: string) => api<WinnerPage>("GET", `${eventPath(id)}/winners?page=0&size=100`);
export const disqualify = (id: string, participantId: string, category: DisqualifyCategory, reason: string) =>
  api<DisqualifyResponse>("POST", `${eventPath(id)}/winners/${enc(participantId)}/disqualify`, { category, reason });
/** Tell the winners (WinnerNotifyRequest): every current winner not told yet, or the ones named (a FAILED notice is sent again). */
export const notifyWinners = (id: string, participantIds?: string[]) =>
  api<NotifyReceipt>("POST", `${eventPath(id)}/winners/notify`, participantIds ? { participantIds } : undefined);
/** The public proof bundle (no token needed, but the owner's call carries it harmlessly). */
export const getProof = (id: string) => api<DrawProof>("GET", `/api/v1/public/events/${enc(id)}/draw-proof`);
/** The proof bundle's download link (DrawProofLink). */
export const getProofLink = (id: string) => api<DownloadLink>("GET", `/api/v1/public/events/${enc(id)}/draw-proof/link`);
