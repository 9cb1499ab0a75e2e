// The owner console's API shapes, taken by operation id from the types
// generated out of docs/openapi.yaml (src/api/schema.d.ts): a renamed field
// breaks the build, not a screen. Helpers append the types they need below.

import type { components, operations } from "../api/schema";
import type { JsonOf } from "../api/types";

export type Ok<Op extends keyof operations, S extends number> = JsonOf<operations[Op]["responses"][S & keyof operations[Op]["responses"]]>;
export type BodyOf<Op extends keyof operations> = operations[Op] extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : never;

export type Schemas = components["schemas"];

// users
export type RegisterRequest = BodyOf<"UserRegister">;
export type RegisterResponse = Ok<"UserRegister", 201>;
export type LoginRequest = BodyOf<"UserLogin">;
export type LoginResponse = Ok<"UserLogin", 200>;
export type TokenPair = Ok<"UserRefresh", 200>;
export type Profile = Ok<"UserProfileGet", 200>;
export type ProfileUpdate = BodyOf<"UserProfileUpdate">;
export type PasswordChange = BodyOf<"UserPasswordChange">;
export type Store = Schemas["Store"];

// events
export type EventStatus = Schemas["EventStatus"];
export type Objective = Schemas["Objective"];
export type Channel = Schemas["Channel"];
export type Source = Schemas["Source"];
export type Event = Ok<"EventGet", 200>;
export type EventSummary = Schemas["EventSummary"];
export type EventListPage = Ok<"EventList", 200>;
export type EventUpdate = BodyOf<"EventUpdate">;
export type JobAccepted = Ok<"RecommendationRequest", 202>;
export type Job = Ok<"JobGet", 200>;
export type Recommendation = Schemas["Recommendation"];
export type Image = Schemas["Image"];
export type ChannelSettings = Schemas["ChannelSettings"];

// participation
export type ParticipantPage = Ok<"ParticipantList", 200>;
export type Participant = Schemas["Participant"];
export type DrawRequest = BodyOf<"WinnerDraw">;
export type Draw = Ok<"WinnerDraw", 201>;
export type WinnerPage = Ok<"WinnerList", 200>;
export type Winner = Schemas["Winner"];
export type DisqualifyResponse = Ok<"WinnerDisqualify", 200>;

// distribution
export type DistributionStatus = Ok<"DistributionStatusGet", 200>;

// analytics
export type Dashboard = Ok<"AnalyticsDashboard", 200>;
export type UserDashboard = Ok<"UserAnalytics", 200>;
export type ChannelsReport = Ok<"AnalyticsChannels", 200>;
export type RoiReport = Ok<"AnalyticsRoi", 200>;
export type Timeline = Ok<"AnalyticsTimeline", 200>;

// --- types added by other helpers below ---
export type VisitCode = Ok<"VisitCodeGet", 200>;
export type ListedWinner = Schemas["ListedWinner"];
export type WinnerNotification = Schemas["WinnerNotification"];
export type NotifyReceipt = Ok<"WinnerNotifyRequest", 202>;
