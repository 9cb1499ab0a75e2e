// Every Korean string of the public pages, in one place. Each page imports
// only the sections it uses (named exports tree-shake), so the entry page
// does not carry the results page's words.

import { weekday } from "../lib/dates";

const WEEKDAYS = ["일", "월", "화", "수", "목", "금", "토"];

const num = (n: number) => n.toLocaleString("ko-KR");

export const common = {
  loading: "불러오는 중…",
  retry: "다시 시도",
  notFoundTitle: "이벤트를 찾을 수 없어요",
  notFoundBody: "주소가 맞는지 확인해 주세요. 이벤트가 끝났거나 아직 공개되지 않았을 수 있어요.",
  loadFailedTitle: "이벤트를 불러오지 못했어요",
  loadFailedBody: "인터넷 연결을 확인한 뒤 다시 시도해 주세요.",
  /** 2026년 12월 5일 (토) */
  date: (ymd: string) => {
    const [y, m, d] = ymd.split("-").map(Number);
    return `${y}년 ${m}월 ${d}일 (${WEEKDAYS[weekday(ymd)]})`;
  },
  /** 2026.12.05 */
  shortDate: (ymd: string) => ymd.replaceAll("-", "."),
  dateTime: (iso: string, timeZone: string) =>
    new Intl.DateTimeFormat("ko-KR", { timeZone, dateStyle: "long", timeStyle: "short" }).format(new Date(iso)),
  posterAlt: (eventName: string) => `${eventName} 포스터`,
  controller: (store: string) => `개인정보처리자: ${store}`,
  num,
  commitmentLabel: "추첨 약속값",
};

export const entry = {
  titleSuffix: "이벤트 응모",
  prize: "경품",
  period: "응모기간",
  eligibility: "응모대상",
  announcement: "당첨자 발표",
  winners: (n: number) => `${num(n)}명`,
  periodValue: (start: string, end: string) => `${common.shortDate(start)} ~ ${common.shortDate(end)}`,
  dday: (days: number) => (days <= 0 ? "D-DAY" : `D-${days}`),
  duration: (d: { days: number; hours: number; minutes: number }) =>
    [d.days ? `${d.days}일` : "", d.hours ? `${d.hours}시간` : "", !d.days && d.minutes ? `${d.minutes}분` : ""].filter(Boolean).join(" ") || "곧",
  openUntil: (end: string) => `${common.date(end)}까지 응모할 수 있어요.`,
  closesIn: (left: string) => `마감까지 ${left} 남았어요.`,
  notStarted: "응모 시작 전",
  opensOn: (start: string) => `응모는 ${common.date(start)}에 시작해요.`,
  opensIn: (left: string) => `시작까지 ${left} 남았어요.`,
  ended: "응모 종료",
  endedBody: (announce: string) => `응모가 종료되었어요. 당첨자는 ${common.date(announce)}에 발표해요.`,
  drawn: "당첨자 발표",
  drawnBody: "당첨자가 발표되었어요.",
  toResults: "당첨자 확인하기",
  commitmentSummary: "추첨 약속값이 뭔가요?",
  commitmentBody:
    "당첨자는 이벤트를 공개할 때 미리 만들어 둔 비밀 값(시드)으로 추첨해요. 추첨 약속값은 그 시드의 SHA-256 지문으로, 응모가 시작되기 전부터 이 페이지에 공개되어 있어요. 추첨이 끝나면 시드와 응모 목록(이름·연락처 없이 응모 번호만)이 공개되고, 누구나 결과 페이지에서 추첨을 다시 계산해 볼 수 있어요. 그래서 응모를 본 뒤에 당첨자를 바꿀 수 없어요.",
  commitmentFull: "전체 약속값",
  commitmentLink: "결과 페이지에서 추첨 검증하기",
};

export const form = {
  heading: "응모 정보 입력",
  name: "이름",
  phone: "휴대폰 번호",
  phoneHint: "숫자만 입력하면 돼요. 예: 010-1234-5678",
  email: "이메일 (선택)",
  emailHint: "입력하지 않아도 응모할 수 있어요.",
  visitCode: "매장 방문 코드 (선택)",
  visitCodeHint: "매장에서 안내받은 6자리 숫자를 넣으면 응모권이 2장 더 생겨요. 코드는 매일 바뀌어요.",
  visitConfirmed: "매장 방문이 확인됐어요. 응모권 +2장",
  visitConfirmedBody: "매장 QR 코드로 들어오셨어요. 응모하면 응모권 3장으로 추첨에 참여해요.",
  visitCodeFormat: "매장 방문 코드는 숫자 6자리예요.",
  visitCodeWrong: "매장 방문 코드가 맞지 않아요. 오늘 매장에서 안내받은 코드인지 확인해 주세요. 코드는 매일 바뀌어요.",
  withoutVisit: "방문 코드 없이 응모하기",
  withoutVisitHint: "방문 보너스 없이 응모권 1장으로 응모해요. 입력하신 정보는 그대로 보내요.",
  age: "만 14세 이상만 응모할 수 있어요.",
  privacy: "[필수] 개인정보 수집·이용 동의",
  privacyTitle: "개인정보 수집·이용 안내",
  marketing: "[선택] 마케팅 정보 수신 동의",
  marketingTitle: "마케팅 정보 수신 안내",
  purpose: "수집·이용 목적",
  items: "수집 항목",
  retention: "보유·이용 기간",
  refusal: "동의를 거부할 권리",
  controller: "개인정보처리자",
  privacyPurpose: "이벤트 응모 확인, 당첨자 추첨과 당첨 안내, 경품 지급",
  privacyItems: "이름, 휴대폰 번호, 이메일(입력한 경우)",
  privacyRetention: (end: string, days: number, until: string) =>
    `당첨되지 않은 분의 정보는 응모 마감일(${common.date(end)})로부터 ${num(days)}일 뒤인 ${common.date(until)}까지 보관하고 파기해요. 당첨된 분의 정보는 경품 지급을 마칠 때까지(관계 법령이 보관을 정한 경우 그 기간까지) 보관해요.`,
  privacyRefusal: "동의하지 않을 수 있어요. 다만 동의하지 않으면 응모할 수 없어요.",
  marketingPurpose: (store: string) => `${store}의 새 이벤트와 혜택 안내(문자·이메일)`,
  marketingItems: "이름, 휴대폰 번호, 이메일(입력한 경우)",
  marketingRetention: (until: string) => `${common.date(until)}까지. 그 전에도 언제든 동의를 철회할 수 있어요.`,
  marketingRefusal: "동의하지 않아도 응모할 수 있고, 불이익은 없어요.",
  submit: "응모하기",
  sending: "응모를 보내는 중이에요…",
  // field validation
  nameRequired: "이름을 입력해 주세요.",
  nameTooLong: "이름은 50자 이내로 입력해 주세요.",
  phoneRequired: "휴대폰 번호를 입력해 주세요.",
  phoneInvalid: "휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요.",
  emailInvalid: "이메일 주소를 확인해 주세요. 예: name@example.com",
  privacyRequired: "개인정보 수집·이용에 동의해야 응모할 수 있어요.",
  fieldInvalid: "입력 내용을 확인해 주세요.",
  // answers from the server
  alreadyTitle: "이미 응모하셨어요",
  alreadyBody: (announce: string) =>
    `이 휴대폰 번호로 응모가 이미 접수되어 있어요. 한 번호로 한 번만 응모할 수 있어요. 당첨자는 ${common.date(announce)}에 발표해요.`,
  outOfPeriod: (start: string, end: string) =>
    `지금은 응모 기간이 아니에요. 응모 기간은 ${common.date(start)}부터 ${common.date(end)}까지예요.`,
  closed: "응모가 종료되었어요. 관심 가져 주셔서 감사해요.",
  rateLimited: (s: number) => `응모가 몰리고 있어요. ${num(s)}초 뒤에 자동으로 다시 보낼게요.`,
  waitLeft: (s: number) => `다시 보내기까지 ${num(s)}초`,
  network: "인터넷 연결이 불안정해서 응모를 보내지 못했어요. 입력하신 내용은 그대로 있으니 다시 눌러 주세요.",
  server: "잠시 문제가 생겼어요. 입력하신 내용은 그대로 있으니 잠시 뒤 다시 눌러 주세요.",
  eventGone: "이벤트를 찾을 수 없어요. 주소를 확인해 주세요.",
};

/** The phone verification step (events with verifyPhone). */
export const verify = {
  send: "인증번호 받기",
  resend: "인증번호 다시 받기",
  code: "인증번호",
  codeHint: "문자로 받은 6자리 숫자를 3분 안에 입력해 주세요.",
  confirm: "확인",
  sending: "인증번호를 보내는 중이에요…",
  sent: "인증번호를 보냈어요. 문자를 확인해 주세요.",
  checking: "인증번호를 확인하는 중이에요…",
  verified: "휴대폰 인증을 마쳤어요.",
  resendIn: (s: number) => `${num(s)}초 뒤에 다시 받을 수 있어요.`,
  codeFormat: "인증번호 6자리 숫자를 입력해 주세요.",
  needed: "이 이벤트는 휴대폰 인증을 해야 응모할 수 있어요. 인증번호를 받아 입력해 주세요.",
  // one message per PHONE code
  PHONE_001: "이 이벤트는 휴대폰 인증이 필요 없어요. 바로 응모해 주세요.",
  PHONE_002: (s: number) => `인증번호를 방금 보냈어요. ${num(s)}초 뒤에 다시 받을 수 있어요.`,
  PHONE_003: (left: number) => `인증번호가 맞지 않아요. ${num(left)}번 더 입력할 수 있어요.`,
  PHONE_004: "인증번호가 만료되었거나 받은 인증번호가 없어요. 인증번호를 다시 받아 주세요.",
  PHONE_005: "인증번호를 5번 틀려서 더는 쓸 수 없어요. 인증번호를 다시 받아 주세요.",
  PHONE_006: (min: number) => `인증 요청이 너무 많아요. ${num(min)}분 뒤에 다시 시도해 주세요.`,
  PHONE_007: "인증번호 문자를 보내지 못했어요. 잠시 뒤 다시 받아 주세요.",
  PHONE_008: "이 번호로는 문자를 보낼 수 없어요. 휴대폰 번호를 확인해 주세요.",
  PHONE_009: "휴대폰 인증을 먼저 해 주세요.",
  PHONE_010: "휴대폰 인증이 만료되었거나 다른 번호의 인증이에요. 인증번호를 다시 받아 주세요.",
  PHONE_011: "지금은 응모를 받지 않는 이벤트예요.",
};

export const done = {
  title: "응모 완료",
  lead: "응모가 접수되었어요. 응모 번호는 결과 페이지에서 당첨 여부를 확인할 때 필요하니 캡처해 두세요.",
  entryNumber: "응모 번호",
  tickets: "응모권",
  ticketsValue: (n: number) => (n > 1 ? `${num(n)}장 (매장 방문 보너스 포함)` : `${num(n)}장`),
  announcement: "당첨자 발표",
  share: "공유하기",
  shareText: (eventName: string) => `${eventName} 이벤트에 응모해 보세요!`,
  copied: "링크를 복사했어요. 원하는 곳에 붙여 넣어 주세요.",
  copyManually: "이 링크를 길게 눌러 복사해 주세요.",
  shareLink: "이벤트 링크",
  toResults: "결과 페이지 보기",
};

/** Disqualification categories as the public results page names them. */
export const disqualifyCategories: Record<string, string> = {
  DUPLICATE_ENTRY: "중복 응모",
  INELIGIBLE: "참여 자격 없음",
  UNREACHABLE: "연락 두절",
  DECLINED: "당첨 포기",
  FRAUD: "부정 참여",
  OTHER: "기타",
};

export const result = {
  titleSuffix: "당첨자 발표",
  heading: "당첨자 발표",
  backToEvent: "이벤트 페이지로",
  notDrawnTitle: "아직 추첨 전이에요",
  notDrawnBody: (announce: string) => `당첨자는 ${common.date(announce)}에 발표해요.`,
  summary: (drawnAt: string, total: number, winners: number) =>
    `${drawnAt}에 응모 ${num(total)}건 중 ${num(winners)}명을 추첨했어요.`,
  algorithm: (a: string) => (a === "WEIGHTED" ? "추첨 방식: 응모권 수만큼 가중치를 둔 추첨" : "추첨 방식: 모두 같은 확률의 무작위 추첨"),
  winnersHeading: "당첨자",
  rank: (n: number) => `${n}위`,
  entryTail: "응모 번호 끝자리",
  substitute: "대체 당첨",
  /** Why the previous winner of a rank was disqualified (the public category only). */
  substituteReason: (category: string) => `이전 당첨 취소 사유: ${disqualifyCategories[category] ?? disqualifyCategories.OTHER}`,
  maskNote: "개인정보 보호를 위해 이름과 휴대폰 번호 일부를 가렸어요. 응모 번호 끝 4자리로 본인인지 확인할 수 있어요.",
  noWinners: "당첨자가 없어요.",
  // 내 응모 확인
  mineHeading: "내 응모 확인",
  mineLabel: "응모 번호",
  mineHint: "응모 완료 화면의 응모 번호를 입력해 주세요. 예: 20261126-000010",
  mineSubmit: "확인",
  mineRequired: "응모 번호를 입력해 주세요.",
  mineChecking: "확인하는 중…",
  mineNotDrawn: (announce: string) => `아직 추첨 전이에요. 당첨자는 ${common.date(announce)}에 발표해요.`,
  won: "당첨",
  wonBody: (rank: number, substitute: boolean) =>
    substitute ? `축하해요! 대체 당첨으로 ${rank}위가 되었어요.` : `축하해요! ${rank}위로 당첨되었어요.`,
  lost: "미당첨",
  lostBody: "아쉽지만 이번에는 당첨되지 않았어요. 응모해 주셔서 감사해요.",
  none: "응모 내역 없음",
  noneBody: "이 응모 번호로 접수된 응모가 없어요. 번호를 다시 확인해 주세요.",
  mineFailed: "응모 목록을 불러오지 못했어요. 잠시 뒤 다시 시도해 주세요.",
  // the commitment
  commitmentHeading: "추첨 약속값이란?",
  commitmentBody: [
    "당첨자는 이벤트를 공개할 때 미리 만들어 둔 32바이트 비밀 값(시드)으로 추첨해요. 추첨 약속값은 그 시드의 SHA-256 지문이고, 이벤트 페이지에 응모 시작 전부터 공개되어 있어요.",
    "추첨이 끝나면 시드와 응모 목록(이름·연락처 없이 응모 번호와 응모권 수만)이 공개돼요. 시드의 지문이 약속값과 같다면 추첨 뒤에 시드를 바꾸지 않았다는 뜻이고, 응모 목록의 지문이 같다면 응모 목록을 바꾸지 않았다는 뜻이에요.",
    "추첨은 공개된 방식(ES-HMAC-SHA256/v1)을 따라요. 응모 번호마다 시드로 HMAC-SHA256 값을 계산해 순위를 정하므로, 같은 자료로는 누가 계산해도 같은 당첨자가 나와요.",
  ],
  commitmentShown: "이 이벤트의 약속값",
  // verification
  verifyHeading: "추첨 검증",
  verifyIntro: "공개된 검증 자료로 이 브라우저에서 추첨을 처음부터 다시 계산해, 발표된 당첨자와 같은지 확인해요.",
  verifyStart: "검증 시작",
  verifyLarge: (n: number) => `응모가 ${num(n)}건이라 검증 자료가 커요. 버튼을 누르면 내려받아 검증해요.`,
  verifyLoading: "검증 자료를 내려받는 중…",
  verifyProgress: "검증 진행률",
  verifyProgressText: (done: number, total: number) => `${num(done)} / ${num(total)}건 계산`,
  verified: "검증 완료",
  verifiedBody: (n: number, ms: number) =>
    `응모 ${num(n)}건으로 추첨을 다시 계산했더니 약속값, 응모 목록, 당첨자와 예비 당첨자, 대체 당첨 순서가 모두 발표와 같았어요. (${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)}초)`,
  failed: "검증 실패",
  failedBody: "검증 자료가 발표 내용과 맞지 않아요. 처음 발견한 불일치:",
  verifyCrashed: "이 브라우저에서는 검증을 마치지 못했어요. 최신 브라우저에서 다시 열어 주세요.",
  verifyUnavailable: "검증 자료를 불러오지 못했어요. 잠시 뒤 다시 시도해 주세요.",
  download: "검증 자료 내려받기 (JSON)",
  checks: [
    "시드의 SHA-256 지문이 응모 전에 공개한 약속값과 같은지",
    "응모 목록의 SHA-256 지문이 검증 자료에 적힌 값과 같은지",
    "응모 번호마다 HMAC-SHA256으로 순위를 다시 매겨 당첨자와 예비 당첨자가 같은지",
    "대체 당첨이 예비 당첨자 순서대로 이루어졌는지",
  ],
};

/** The first mismatch of a verification, in words (see verify.ts's Failure). */
export const mismatch = {
  shape: (field: string) => `검증 자료의 형식이 올바르지 않아요 (${field}).`,
  version: (got: string) => `알 수 없는 추첨 방식 버전이에요: ${got}`,
  seedFormat: "시드가 32바이트 16진수 값이 아니에요.",
  seedCommitment: (computed: string, bundle: string) =>
    `시드의 SHA-256 지문(${computed.slice(0, 12)}…)이 검증 자료의 약속값(${bundle.slice(0, 12)}…)과 달라요.`,
  publishedCommitment: (published: string, bundle: string) =>
    `검증 자료의 약속값(${bundle.slice(0, 12)}…)이 이벤트 페이지에 공개된 약속값(${published.slice(0, 12)}…)과 달라요.`,
  algorithm: (got: string) => `알 수 없는 추첨 방식이에요: ${got}`,
  randomWeight: (id: string, w: number) => `무작위 추첨인데 응모 ${id}의 응모권이 ${w}장이에요.`,
  weightRange: (id: string, w: number) => `응모 ${id}의 응모권 수(${w})가 1~1000 범위를 벗어났어요.`,
  order: (id: string) => `응모 목록이 정해진 순서(바이트 순)가 아니에요: ${id}`,
  entriesHash: (computed: string, bundle: string) =>
    `응모 목록의 지문(${computed.slice(0, 12)}…)이 검증 자료에 적힌 값(${bundle.slice(0, 12)}…)과 달라요.`,
  totalEntries: (computed: number, bundle: number) => `응모 수가 ${num(computed)}건인데 검증 자료에는 ${num(bundle)}건이라고 적혀 있어요.`,
  tooFew: (count: number, winners: number) => `응모 ${num(count)}건으로는 ${num(winners)}명을 뽑을 수 없어요.`,
  winnerCount: (bundle: number, computed: number) => `당첨자 수가 달라요: 검증 자료 ${num(bundle)}명, 다시 계산 ${num(computed)}명.`,
  winner: (rank: number, bundle: string, computed: string) =>
    `${rank}위 당첨자가 달라요: 검증 자료는 ${bundle}, 다시 계산하면 ${computed}예요.`,
  alternateCount: (bundle: number, computed: number) =>
    `예비 당첨자 수가 달라요: 검증 자료 ${num(bundle)}명, 다시 계산 ${num(computed)}명.`,
  alternate: (rank: number, bundle: string, computed: string) =>
    `예비 ${rank}번이 달라요: 검증 자료는 ${bundle}, 다시 계산하면 ${computed}예요.`,
  substitutionNoAlternate: (i: number) => `${i}번째 대체 당첨에 쓸 예비 당첨자가 남아 있지 않아요.`,
  substitutionHolder: (i: number, rank: number, holder: string, disq: string) =>
    `${i}번째 대체 당첨: ${rank}위는 ${holder || "아무도"}의 자리였는데 ${disq}의 당첨을 취소했다고 적혀 있어요.`,
  substitutionReplacement: (i: number, replacement: string, expected: string) =>
    `${i}번째 대체 당첨: 다음 예비 당첨자는 ${expected}인데 ${replacement}이(가) 당첨되었어요.`,
  publishedWinner: (rank: number) => `발표된 ${rank}위 당첨자가 검증 자료와 달라요.`,
};
