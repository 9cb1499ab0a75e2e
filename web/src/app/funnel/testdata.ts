// Fixtures for the funnel's tests.
import type { Draft, Plan, Poster } from "./types";

export const EVENT_ID = "11111111-2222-4333-8444-555555555555";

export function draft(over: Partial<Draft> = {}): Draft {
  return {
    eventId: EVENT_ID,
    userId: "u1",
    storeId: "s1",
    objective: "NEW_CUSTOMERS",
    status: "DRAFT",
    eventName: null,
    description: null,
    prize: null,
    startDate: null,
    endDate: null,
    winnerCount: 1,
    verifyPhone: false,
    budget: null,
    channels: [],
    channelSettings: {},
    selectedRecommendationId: null,
    selectedImageId: null,
    selectedImageUrl: null,
    recommendations: [],
    images: [],
    timeZone: "Asia/Seoul",
    createdAt: "2026-12-01T00:00:00Z",
    updatedAt: "2026-12-01T00:00:00Z",
    ...over,
  };
}

export function plan(id: string, over: Partial<Plan> = {}): Plan {
  return {
    recommendationId: id,
    budgetLevel: "MID",
    eventName: `기획 ${id}`,
    description: "설명",
    prize: "커피 쿠폰",
    participationMethod: "매장 방문",
    promotionType: "경품",
    targetAudience: "동네 주민",
    estimatedCost: 300000,
    expectedRoi: 150.5,
    isSelected: false,
    ...over,
  };
}

export function poster(id: string, over: Partial<Poster> = {}): Poster {
  return { imageId: id, style: "SIMPLE", platform: "INSTAGRAM", imageUrl: `/posters/${id}.png`, width: 1080, height: 1080, isSelected: false, ...over };
}
