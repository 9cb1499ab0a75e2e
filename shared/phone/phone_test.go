package phone

import "testing"

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"01012345678", "01012345678", true},
		{"010-1234-5678", "01012345678", true},
		{"010 1234 5678", "01012345678", true},
		{"(010) 1234.5678", "01012345678", true},
		{"+82 10 1234 5678", "01012345678", true},
		{"+82-10-1234-5678", "01012345678", true},
		{"+82 010 1234 5678", "01012345678", true},
		{"821012345678", "01012345678", true},
		{"011-123-4567", "0111234567", true},
		{"0101234567", "", false},  // 010 needs 8 more digits
		{"02-123-4567", "", false}, // a Seoul landline
		{"010-1234-567a", "", false},
		{"1234", "", false},
		{"", "", false},
		{"010+12345678", "", false},
		{"0151234567", "", false},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMaskAndFormat(t *testing.T) {
	t.Parallel()
	if got := Mask("01012345678"); got != "010-****-5678" {
		t.Errorf("Mask = %q", got)
	}
	if got := Format("01012345678"); got != "010-1234-5678" {
		t.Errorf("Format = %q", got)
	}
	if got := Format("0111234567"); got != "011-123-4567" {
		t.Errorf("Format = %q", got)
	}
}
