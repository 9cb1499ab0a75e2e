// The funnel's API shapes, straight from the generated contract
// (src/api/schema.d.ts from docs/openapi.yaml): a renamed field breaks the build.

import type { components } from "../../api/schema";
import type { Ok } from "../types";

type S = components["schemas"];

export type Draft = Ok<"EventGet", 200>;
export type Objective = S["Objective"];
export type Channel = S["Channel"];
export type ChannelSettings = S["ChannelSettings"];
export type TimeSlot = S["TimeSlot"];
export type PosterStyle = S["PosterStyle"];
export type PosterPlatform = S["PosterPlatform"];
export type Plan = S["Recommendation"];
export type Poster = S["Image"];
export type Job = Ok<"JobGet", 200>;
export type JobAccepted = S["JobAccepted"];
export type PlanRequest = S["RecommendationRequest"];
export type PlanSelect = S["RecommendationSelectRequest"];
export type DraftUpdate = S["EventUpdateRequest"];
export type PosterRequest = S["ImageGenerationRequest"];
export type PosterEdit = S["ImageEditRequest"];
export type ChannelSelect = S["ChannelSelectRequest"];
export type UriDongNeTv = S["UriDongNeTvSettings"];
