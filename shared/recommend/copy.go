package recommend

// The Korean copy of the built-in planner. Descriptions are written for the
// shop's customers, because the chosen plan's description becomes the public
// event page's text.
//
// A description is four parts joined with spaces:
//
//	{season phrase} {store name or "우리 <place>"}에서 {hook} {mechanic sentence} {closer}
//
// Placeholders, filled in by Builtin.Plan:
//
//	{S}         season word ("가을", "연말"; empty when no month was given)
//	{D}         the district ("강남구"), or "인근" when no region was given
//	{qr}        where the QR code hangs ("매장", "센터", "학원")
//	{visit}     the regular visit ("방문", or "출석" for gyms and academies)
//	{revisit}   coming back ("재방문", or "재등록")
//	{bundle}    what the bundle plan sells; {bundle을} adds the object particle
//	{threshold} the spend that qualifies for a purchase draw ("3만 원")
//	{prize을}   the plan's prize with its object particle

// categoryCopy is the industry-specific vocabulary and copy of a category.
type categoryCopy struct {
	place      string // "우리 <place>" when the store name is missing
	qr         string
	visit      string
	revisit    string // must end in a final consonant: templates write "{revisit}을"
	bundle     string
	threshold  string // about 1.5 to 2 times the category's average spend
	objectives map[string]objectiveCopy
}

// objectiveCopy is a category's copy for one objective.
type objectiveCopy struct {
	hook     string    // the description's first sentence, after "{store}에서"
	audience string    // the target audience, with {D}
	names    [3]string // event names per level, with {S}
	prizes   [3]string // prizes per level; each ends in Hangul, so the particle is exact
}

// mechanic is how an objective's plan at one level works, shared by all
// categories: the promotion code, the participation method and the sentence
// that explains it to customers.
type mechanic struct {
	promotionType string
	method        string
	sentence      string
}

// mechanics is indexed by objective (the order of Objectives) and level.
// Each objective moves up from an instant, sure reward (LOW) to a draw (MID)
// to a bigger draw or instant win with a headline prize (HIGH).
var mechanics = [4][3]mechanic{
	{ // NEW_CUSTOMERS: first visits and referrals
		{"FIRST_VISIT", "첫 방문 시 {qr} QR 스캔 후 이름·연락처 입력",
			"처음 오신 분이 {qr} QR로 간단히 참여하시면 {prize을} 바로 드립니다."},
		{"REFERRAL", "지인 추천 코드 입력 후 함께 첫 방문 인증",
			"기존 고객의 추천을 받고 처음 오신 분이 방문을 인증하면 추천한 분과 새로 오신 분 모두에게 {prize을} 드립니다."},
		{"DRAW", "첫 방문 인증 후 {qr} QR로 경품 추첨 응모",
			"이벤트 기간에 첫 방문을 인증한 모든 분이 추첨에 자동 응모되며, 당첨되신 분께 {prize을} 드립니다."},
	},
	{ // REVISIT: stamps and proof of coming back
		{"STAMP", "{visit}할 때마다 {qr} QR로 스탬프 적립",
			"{visit}할 때마다 QR 스탬프를 적립해 5개를 모으시면 {prize을} 드립니다."},
		{"DRAW", "{revisit} 시 {qr} QR로 인증 후 추첨 응모",
			"이벤트 기간에 {revisit}을 인증하신 분 가운데 추첨해 {prize을} 드립니다."},
		{"INSTANT_WIN", "{revisit} 인증 후 즉석 당첨 룰렛 참여",
			"{revisit}을 인증할 때마다 즉석 당첨 룰렛에 참여할 수 있으며, 1등 경품으로 {prize을} 드립니다."},
	},
	{ // SALES_INCREASE: bundles and spend-based entries
		{"BUNDLE", "{bundle} 구매 후 영수증 QR 인증",
			"이벤트 기간에 {bundle을} 구매하신 모든 분께 {prize을} 드립니다."},
		{"DRAW", "{threshold} 이상 결제 후 영수증 QR로 추첨 응모",
			"{threshold} 이상 결제하신 영수증을 QR로 인증하면 추첨을 통해 {prize을} 드립니다."},
		{"INSTANT_WIN", "{threshold} 이상 결제 시 QR 즉석 당첨 참여",
			"{threshold} 이상 결제하실 때마다 QR로 즉석 당첨에 도전할 수 있고, 1등 경품으로 {prize을} 드립니다."},
	},
	{ // AWARENESS: SNS posts, reviews, hashtags
		{"SNS_SHARE", "{qr} 방문 사진을 해시태그와 함께 SNS 게시 후 인증",
			"{qr}에서 찍은 사진을 지정 해시태그와 함께 SNS에 올리고 인증하시면 {prize을} 드립니다."},
		{"REVIEW", "네이버 지도·카카오맵 방문 리뷰 작성 후 QR 인증",
			"방문 후기를 지도 앱에 남기고 QR로 인증해 주신 분 가운데 추첨해 {prize을} 드립니다."},
		{"SEASONAL", "{S} 테마 인증샷을 해시태그와 함께 SNS 게시",
			"{S} 테마 인증샷을 지정 해시태그와 함께 올려 주신 분 가운데 추첨해 {prize을} 드립니다."},
	},
}

// closers end a description, one per level.
var closers = [3]string{
	"누구나 부담 없이 참여하실 수 있습니다.",
	"많은 관심과 참여 부탁드립니다.",
	"푸짐한 경품이 기다리고 있으니 놓치지 마세요.",
}

// copyByCategory holds the copy of every category in Categories.
var copyByCategory = map[string]categoryCopy{
	"CAFE": {
		place: "카페", qr: "매장", visit: "방문", revisit: "재방문", bundle: "음료+디저트 세트", threshold: "1만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "아직 저희 커피를 맛보지 못한 분들을 위한 웰컴 이벤트를 준비했습니다.",
				audience: "{D} 직장인·대학생 중 아직 방문하지 않은 커피 애호가",
				names:    [3]string{"{S} 첫 잔 웰컴 커피 이벤트", "{S} 친구랑 커피 한 잔 추천 이벤트", "{S} 첫 방문 카페 경품 추첨"},
				prizes:   [3]string{"아메리카노 1잔 무료 쿠폰", "시그니처 음료 1+1 쿠폰", "홈카페 원두 세트와 텀블러"},
			},
			"REVISIT": {
				hook:     "다시 찾아 주시는 단골 손님께 감사의 마음을 담아 커피 적립 이벤트를 엽니다.",
				audience: "최근 3개월 안에 다녀간 {D} 단골·재방문 고객",
				names:    [3]string{"{S} 커피 스탬프 챌린지", "{S} 단골 손님 럭키 드로우", "{S} 단골 감사 커피 룰렛"},
				prizes:   [3]string{"시그니처 음료 1잔", "디저트 세트 교환권", "스페셜티 원두 1kg과 머그컵"},
			},
			"SALES_INCREASE": {
				hook:     "커피와 디저트를 함께 즐기시는 분들을 위해 세트 구매 혜택을 준비했습니다.",
				audience: "{D} 커피와 디저트를 함께 즐기는 20~30대 고객",
				names:    [3]string{"{S} 커피+디저트 세트 이벤트", "{S} {threshold} 이상 구매 경품 추첨", "{S} 카페 즉석 당첨 대잔치"},
				prizes:   [3]string{"수제 쿠키 1개", "카페 기프트카드 5만 원권", "캡슐 커피 머신"},
			},
			"AWARENESS": {
				hook:     "더 많은 이웃과 커피 향을 나누고 싶은 마음으로 SNS 참여 이벤트를 준비했습니다.",
				audience: "{D}에서 새로운 카페를 찾는 SNS 활동이 활발한 20~30대",
				names:    [3]string{"{S} 카페 인증샷 이벤트", "{S} 한 줄 리뷰 커피 추첨", "{S} 카페 포토 챌린지"},
				prizes:   [3]string{"오늘의 디저트 1개", "시그니처 음료 2잔 교환권", "한 달 무료 음료 이용권"},
			},
		},
	},
	"BAKERY": {
		place: "베이커리", qr: "매장", visit: "방문", revisit: "재방문", bundle: "빵+음료 세트", threshold: "2만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "갓 구운 빵 맛을 처음 보시는 분들께 드리는 웰컴 이벤트를 준비했습니다.",
				audience: "{D} 주민 중 아직 방문하지 않은 빵 애호가와 아침 식사를 찾는 직장인",
				names:    [3]string{"{S} 첫 방문 갓 구운 빵 선물", "{S} 빵친구 추천 이벤트", "{S} 첫 방문 베이커리 경품 추첨"},
				prizes:   [3]string{"소금빵 1개", "시그니처 식빵 1개", "홀케이크 교환권"},
			},
			"REVISIT": {
				hook:     "매일 빵을 사러 와 주시는 단골 손님께 감사 인사를 전합니다.",
				audience: "주 1회 이상 들르는 {D} 단골·재방문 고객",
				names:    [3]string{"{S} 빵 스탬프 챌린지", "{S} 단골 빵지순례 추첨", "{S} 단골 감사 빵 룰렛"},
				prizes:   [3]string{"식빵 1개 교환권", "인기 빵 5종 세트", "프리미엄 홀케이크와 쿠키 세트"},
			},
			"SALES_INCREASE": {
				hook:     "빵과 음료를 함께 고르시는 분들을 위해 세트 구매 혜택을 마련했습니다.",
				audience: "{D} 직장인 아침·간식 수요와 선물용 빵을 찾는 고객",
				names:    [3]string{"{S} 빵+음료 세트 이벤트", "{S} {threshold} 이상 구매 경품 추첨", "{S} 베이커리 즉석 당첨 이벤트"},
				prizes:   [3]string{"수제 쿠키 1봉지", "선물용 쿠키 박스", "베이커리 10만 원 상품권"},
			},
			"AWARENESS": {
				hook:     "빵 굽는 향이 가득한 매장을 더 많은 분께 소개하고자 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 빵지순례를 즐기는 SNS 활동이 활발한 20~30대",
				names:    [3]string{"{S} 빵 인증샷 이벤트", "{S} 빵 맛 리뷰 추첨", "{S} 베이커리 포토 챌린지"},
				prizes:   [3]string{"미니 마들렌 1개", "인기 빵 3종 교환권", "베이커리 원데이 클래스 2인 이용권"},
			},
		},
	},
	"RESTAURANT": {
		place: "식당", qr: "매장", visit: "방문", revisit: "재방문", bundle: "2인 세트 메뉴", threshold: "3만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "아직 저희 음식을 맛보지 못한 분들께 정성 담은 한 끼를 소개하는 웰컴 이벤트를 준비했습니다.",
				audience: "{D} 직장인 점심 고객과 새로운 맛집을 찾는 가족 단위 손님",
				names:    [3]string{"{S} 첫 방문 웰컴 한 끼 이벤트", "{S} 맛집 친구 추천 이벤트", "{S} 첫 방문 식사권 추첨"},
				prizes:   [3]string{"음료 또는 사이드 메뉴 1개", "메인 메뉴 50% 할인 쿠폰", "4인 가족 식사권"},
			},
			"REVISIT": {
				hook:     "자주 찾아 주시는 단골 손님께 감사의 마음을 담아 적립 이벤트를 엽니다.",
				audience: "최근 한 달 안에 방문한 {D} 직장인·단골 고객",
				names:    [3]string{"{S} 맛집 스탬프 챌린지", "{S} 단골 손님 식사권 추첨", "{S} 단골 감사 룰렛 한마당"},
				prizes:   [3]string{"메인 메뉴 1인분", "2인 식사권", "10만 원 식사 상품권"},
			},
			"SALES_INCREASE": {
				hook:     "함께 오신 분들과 푸짐하게 즐기실 수 있는 세트 메뉴 혜택을 준비했습니다.",
				audience: "{D} 회식·모임 고객과 주말 가족 외식 손님",
				names:    [3]string{"{S} 2인 세트 메뉴 이벤트", "{S} {threshold} 이상 식사 경품 추첨", "{S} 식사 즉석 당첨 대잔치"},
				prizes:   [3]string{"사이드 메뉴 1개 무료", "5만 원 식사권", "한우 선물 세트"},
			},
			"AWARENESS": {
				hook:     "정성껏 차린 한 상을 더 많은 이웃에게 알리고자 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 맛집 정보를 찾는 SNS·지도 앱 이용자",
				names:    [3]string{"{S} 맛집 인증샷 이벤트", "{S} 맛 리뷰 식사권 추첨", "{S} 한 상 포토 챌린지"},
				prizes:   [3]string{"음료수 1병", "메인 메뉴 2인분 교환권", "20만 원 식사 상품권"},
			},
		},
	},
	"BAR": {
		place: "가게", qr: "매장", visit: "방문", revisit: "재방문", bundle: "안주+주류 세트", threshold: "5만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "퇴근 후 가볍게 한잔할 곳을 찾는 분들을 위한 첫 방문 이벤트를 준비했습니다.",
				audience: "{D} 퇴근길 직장인과 모임 장소를 찾는 20~30대 성인",
				names:    [3]string{"{S} 첫 잔은 우리가 쏜다", "{S} 술친구 추천 이벤트", "{S} 첫 방문 안주 경품 추첨"},
				prizes:   [3]string{"생맥주 1잔 무료", "인기 안주 1개 무료", "4인 모임 안주 세트"},
			},
			"REVISIT": {
				hook:     "단골 손님과 함께한 시간에 감사하며 적립 이벤트를 엽니다.",
				audience: "최근 한 달 안에 다녀간 {D} 단골·모임 고객",
				names:    [3]string{"{S} 한잔 스탬프 챌린지", "{S} 단골 손님 안주 추첨", "{S} 단골 감사 룰렛 파티"},
				prizes:   [3]string{"대표 안주 1개", "생맥주 피처 교환권", "단체 모임 10만 원 이용권"},
			},
			"SALES_INCREASE": {
				hook:     "안주와 술을 함께 즐기시는 분들께 더 푸짐한 세트 혜택을 준비했습니다.",
				audience: "{D} 회식·단체 모임 고객",
				names:    [3]string{"{S} 안주+주류 세트 이벤트", "{S} {threshold} 이상 결제 경품 추첨", "{S} 한잔 즉석 당첨 대잔치"},
				prizes:   [3]string{"감자튀김 1개 무료", "대표 안주 무료 쿠폰", "단체 회식 20만 원 이용권"},
			},
			"AWARENESS": {
				hook:     "좋은 사람과 함께하는 술자리를 더 많은 분과 나누고자 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 새로운 술집을 찾는 SNS 활동이 활발한 20~30대",
				names:    [3]string{"{S} 건배 인증샷 이벤트", "{S} 술자리 리뷰 추첨", "{S} 건배 포토 챌린지"},
				prizes:   [3]string{"음료 또는 생맥주 1잔", "인기 안주 교환권", "모임용 안주 세트와 주류 교환권"},
			},
		},
	},
	"BEAUTY": {
		place: "샵", qr: "매장", visit: "방문", revisit: "재방문", bundle: "커트+클리닉 패키지", threshold: "5만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "처음 오시는 분들을 위한 웰컴 뷰티 이벤트를 준비했습니다.",
				audience: "{D} 20~40대 중 새로운 헤어·네일 샵을 찾는 고객",
				names:    [3]string{"{S} 첫 방문 웰컴 뷰티 이벤트", "{S} 친구와 함께 예뻐지는 추천 이벤트", "{S} 첫 방문 뷰티 경품 추첨"},
				prizes:   [3]string{"두피 스케일링 무료 체험", "커트 30% 할인 쿠폰", "헤어 클리닉 시술권"},
			},
			"REVISIT": {
				hook:     "꾸준히 찾아 주시는 단골 고객님께 감사의 마음을 담아 관리 혜택을 준비했습니다.",
				audience: "최근 3개월 안에 시술받은 {D} 단골 고객",
				names:    [3]string{"{S} 뷰티 스탬프 챌린지", "{S} 단골 고객 관리권 추첨", "{S} 단골 감사 뷰티 룰렛"},
				prizes:   [3]string{"네일 케어 1회", "헤어 클리닉 1회 시술권", "펌 또는 염색 무료 시술권"},
			},
			"SALES_INCREASE": {
				hook:     "커트와 관리를 한 번에 받으시는 분들께 더 큰 혜택을 드리는 패키지 이벤트를 준비했습니다.",
				audience: "{D} 시즌 스타일 변신을 계획 중인 20~40대 고객",
				names:    [3]string{"{S} 커트+클리닉 패키지 이벤트", "{S} {threshold} 이상 시술 경품 추첨", "{S} 뷰티 즉석 당첨 이벤트"},
				prizes:   [3]string{"홈케어 헤어 에센스", "네일아트 시술권", "프리미엄 헤어 케어 제품 세트"},
			},
			"AWARENESS": {
				hook:     "새롭게 바뀐 스타일을 자랑하고 싶은 분들을 위해 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 SNS로 헤어·네일 샵을 찾는 20~30대",
				names:    [3]string{"{S} 변신 인증샷 이벤트", "{S} 시술 후기 추첨 이벤트", "{S} 스타일 포토 챌린지"},
				prizes:   [3]string{"헤어 에센스 미니어처", "두피 클리닉 시술권", "헤어 클리닉 3회 이용권"},
			},
		},
	},
	"FITNESS": {
		place: "센터", qr: "센터", visit: "출석", revisit: "재등록", bundle: "3개월 회원권", threshold: "10만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "운동을 새로 시작하려는 분들을 위한 체험 이벤트를 준비했습니다.",
				audience: "{D} 직장인·주민 중 운동을 새로 시작하려는 20~40대",
				names:    [3]string{"{S} 첫 방문 무료 체험 이벤트", "{S} 운동 메이트 추천 이벤트", "{S} 신규 회원 경품 추첨"},
				prizes:   [3]string{"그룹 수업 1회 무료 체험", "PT 1회권", "1개월 회원권"},
			},
			"REVISIT": {
				hook:     "꾸준히 운동하시는 회원님을 응원하는 출석 이벤트를 엽니다.",
				audience: "기존 회원 중 재등록을 앞둔 {D} 회원",
				names:    [3]string{"{S} 출석 스탬프 챌린지", "{S} 재등록 회원 경품 추첨", "{S} 꾸준함 응원 룰렛"},
				prizes:   [3]string{"프로틴 음료 1병", "PT 2회권", "3개월 회원권 연장"},
			},
			"SALES_INCREASE": {
				hook:     "운동 습관을 길게 이어 가실 분들을 위해 장기 등록 혜택을 마련했습니다.",
				audience: "{D} 운동 목표가 뚜렷한 직장인·주민",
				names:    [3]string{"{S} 3개월 등록 특별 이벤트", "{S} {threshold} 이상 등록 경품 추첨", "{S} 등록 즉석 당첨 이벤트"},
				prizes:   [3]string{"운동용 수건과 보틀 세트", "PT 3회권", "스마트 체중계와 PT 5회권"},
			},
			"AWARENESS": {
				hook:     "함께 땀 흘리는 즐거움을 더 많은 분께 알리고자 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 운동 공간을 찾는 SNS 활동이 활발한 20~30대",
				names:    [3]string{"{S} 오운완 인증샷 이벤트", "{S} 운동 후기 추첨 이벤트", "{S} 바디 프로젝트 포토 챌린지"},
				prizes:   [3]string{"프로틴 바 1개", "PT 1회 체험권", "1개월 회원권과 운동복 세트"},
			},
		},
	},
	"EDUCATION": {
		place: "학원", qr: "학원", visit: "출석", revisit: "재등록", bundle: "3개월 수강권", threshold: "20만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "새로운 배움을 시작하려는 학생과 학부모님을 위한 무료 체험 이벤트를 준비했습니다.",
				audience: "{D} 초·중·고 학생과 학원을 알아보는 학부모",
				names:    [3]string{"{S} 무료 레벨 테스트 이벤트", "{S} 친구 추천 수강 이벤트", "{S} 신규 수강생 경품 추첨"},
				prizes:   [3]string{"무료 레벨 테스트와 학습 상담", "첫 달 수강료 10% 할인", "첫 달 수강료 전액 지원"},
			},
			"REVISIT": {
				hook:     "열심히 배우는 수강생을 응원하고 꾸준한 학습을 돕는 출석 이벤트를 엽니다.",
				audience: "재등록을 앞둔 {D} 재원생과 학부모",
				names:    [3]string{"{S} 개근 스탬프 챌린지", "{S} 재등록 감사 경품 추첨", "{S} 꾸준한 공부 응원 룰렛"},
				prizes:   [3]string{"학습 교재 1권", "문화상품권 3만 원", "다음 달 수강료 50% 할인"},
			},
			"SALES_INCREASE": {
				hook:     "장기 수강으로 실력을 꾸준히 키우고 싶은 분들께 등록 혜택을 마련했습니다.",
				audience: "{D} 방학·새 학기를 준비하는 학생과 학부모",
				names:    [3]string{"{S} 3개월 수강 등록 이벤트", "{S} {threshold} 이상 등록 경품 추첨", "{S} 수강 등록 즉석 당첨"},
				prizes:   [3]string{"과목별 교재 세트", "전자사전 또는 학용품 세트", "학습용 태블릿"},
			},
			"AWARENESS": {
				hook:     "수업 분위기와 학습 성과를 더 많은 학부모님께 알리고자 후기 이벤트를 준비했습니다.",
				audience: "{D}에서 학원을 찾는 학부모와 학생",
				names:    [3]string{"{S} 공부 인증샷 이벤트", "{S} 수강 후기 이벤트", "{S} 공부 습관 포토 챌린지"},
				prizes:   [3]string{"형광펜 세트", "문화상품권 1만 원", "무료 특강 수강권과 교재"},
			},
		},
	},
	"RETAIL": {
		place: "매장", qr: "매장", visit: "방문", revisit: "재방문", bundle: "2개 이상 묶음 상품", threshold: "3만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "처음 들르시는 분들께 기분 좋은 쇼핑을 선물하는 웰컴 이벤트를 준비했습니다.",
				audience: "{D} 주민과 지나가다 들르는 새로운 손님",
				names:    [3]string{"{S} 첫 방문 웰컴 쇼핑 이벤트", "{S} 친구 추천 쇼핑 이벤트", "{S} 첫 방문 쇼핑 경품 추첨"},
				prizes:   [3]string{"5천 원 할인쿠폰", "1만 원 할인쿠폰", "매장 상품권 10만 원"},
			},
			"REVISIT": {
				hook:     "자주 들러 주시는 단골 손님께 감사의 마음을 담아 적립 혜택을 준비했습니다.",
				audience: "최근 한 달 안에 구매한 {D} 단골 고객",
				names:    [3]string{"{S} 쇼핑 스탬프 챌린지", "{S} 단골 손님 상품권 추첨", "{S} 단골 감사 쇼핑 룰렛"},
				prizes:   [3]string{"7천 원 할인쿠폰", "매장 상품권 3만 원", "매장 상품권 20만 원"},
			},
			"SALES_INCREASE": {
				hook:     "필요한 물건을 한 번에 장만하시는 분들께 더 큰 혜택을 드리는 묶음 구매 이벤트를 준비했습니다.",
				audience: "{D} 주민과 선물·생활용품을 찾는 고객",
				names:    [3]string{"{S} 묶음 구매 할인 이벤트", "{S} {threshold} 이상 구매 경품 추첨", "{S} 쇼핑 즉석 당첨 대잔치"},
				prizes:   [3]string{"사은품 에코백", "매장 상품권 5만 원", "모바일 상품권 30만 원"},
			},
			"AWARENESS": {
				hook:     "동네 이웃들에게 더 가까운 가게가 되고 싶은 마음으로 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 SNS로 가게를 찾는 20~30대 고객",
				names:    [3]string{"{S} 쇼핑 인증샷 이벤트", "{S} 구매 후기 추첨 이벤트", "{S} 쇼핑 포토 챌린지"},
				prizes:   [3]string{"3천 원 할인쿠폰", "매장 상품권 2만 원", "모바일 상품권 10만 원"},
			},
		},
	},
	"OTHER": {
		place: "매장", qr: "매장", visit: "방문", revisit: "재방문", bundle: "패키지 상품", threshold: "3만 원",
		objectives: map[string]objectiveCopy{
			"NEW_CUSTOMERS": {
				hook:     "처음 찾아 주시는 분들을 위한 웰컴 이벤트를 준비했습니다.",
				audience: "{D} 주민과 직장인 중 아직 방문하지 않은 고객",
				names:    [3]string{"{S} 첫 방문 웰컴 이벤트", "{S} 이웃 추천 이벤트", "{S} 첫 방문 경품 추첨"},
				prizes:   [3]string{"첫 이용 10% 할인", "이용 요금 1만 원 할인", "10만 원 이용권"},
			},
			"REVISIT": {
				hook:     "다시 찾아 주시는 고객님께 감사의 마음을 담아 적립 이벤트를 엽니다.",
				audience: "최근 3개월 안에 이용한 {D} 단골 고객",
				names:    [3]string{"{S} 단골 스탬프 챌린지", "{S} 재방문 감사 추첨", "{S} 단골 감사 룰렛"},
				prizes:   [3]string{"1회 무료 이용권", "3만 원 이용권", "모바일 상품권 20만 원"},
			},
			"SALES_INCREASE": {
				hook:     "한 번에 더 알차게 이용하실 수 있도록 패키지 구매 혜택을 마련했습니다.",
				audience: "{D} 주민과 직장인 중 자주 이용하는 고객",
				names:    [3]string{"{S} 패키지 구매 이벤트", "{S} {threshold} 이상 이용 경품 추첨", "{S} 즉석 당첨 대잔치"},
				prizes:   [3]string{"추가 서비스 1회", "5만 원 이용권", "모바일 상품권 30만 원"},
			},
			"AWARENESS": {
				hook:     "더 많은 이웃과 인사하고 싶은 마음으로 SNS 이벤트를 준비했습니다.",
				audience: "{D}에서 생활 서비스를 찾는 SNS·지도 앱 이용자",
				names:    [3]string{"{S} 방문 인증샷 이벤트", "{S} 이용 후기 추첨 이벤트", "{S} 우리 동네 포토 챌린지"},
				prizes:   [3]string{"5천 원 할인쿠폰", "2만 원 이용권", "모바일 상품권 10만 원"},
			},
		},
	},
}
