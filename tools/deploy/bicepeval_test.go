package deploy

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// bxReadDoc parses a template under infra/bicep.
func bxReadDoc(t *testing.T, rel string) *bicepDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../infra/bicep", rel))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseBicepDoc(string(b))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc
}

// bxReadParams evaluates a .bicepparam under infra/bicep.
func bxReadParams(t *testing.T, rel string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../infra/bicep", rel))
	if err != nil {
		t.Fatal(err)
	}
	params, err := parseBicepParamFile(string(b))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return bicepParamValues(params)
}

func bxFindDecl(t *testing.T, decls []bicepDecl, symbol string) bicepDecl {
	t.Helper()
	for _, d := range decls {
		if d.Symbol == symbol {
			return d
		}
	}
	t.Fatalf("no declaration %q", symbol)
	return bicepDecl{}
}

// bxModuleParams is what a module statement passes to its file.
func bxModuleParams(t *testing.T, env *bicepEnv, d bicepDecl) map[string]any {
	t.Helper()
	x, ok := bicepProp(d.Body, "params")
	if !ok {
		t.Fatalf("module %s has no params", d.Symbol)
	}
	m, ok := env.eval(x).(map[string]any)
	if !ok {
		t.Fatalf("module %s: params not an object", d.Symbol)
	}
	return m
}

func TestBicepParsesEveryTemplate(t *testing.T) {
	files, _ := filepath.Glob("../../infra/bicep/*.bicep")
	mods, _ := filepath.Glob("../../infra/bicep/modules/*.bicep")
	files = append(files, mods...)
	if len(files) < 5 {
		t.Fatalf("only %d templates found", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parseBicepDoc(string(b))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		// Every expression evaluates without a panic, parameters unbound.
		env := newBicepEnv(doc, nil)
		for _, x := range doc.Vars {
			env.eval(x)
		}
		for _, x := range doc.Outputs {
			env.eval(x)
		}
		for _, d := range append(doc.Resources, doc.Modules...) {
			for _, x := range []bicepExpr{d.Condition, d.LoopOver, d.Body} {
				if x != nil {
					env.withVar(d.LoopVar, bicepUnknown{d.LoopVar}).eval(x)
				}
			}
		}
	}
}

func TestBicepParamFiles(t *testing.T) {
	prod, dev := bxReadParams(t, "prod.bicepparam"), bxReadParams(t, "dev.bicepparam")
	tests := []struct {
		file  string
		vals  map[string]any
		param string
		want  any
	}{
		{"prod", prod, "redisSku", "Balanced_B5"},
		{"prod", prod, "maximumInstanceCount", int64(100)},
		{"prod", prod, "logDailyCapGb", int64(-1)},
		{"prod", prod, "postgresGeoRedundantBackup", true},
		{"prod", prod, "tags", map[string]any{"app": "eventmkt", "env": "prod"}},
		{"prod", prod, "postgresAdminPassword", bicepUnknown{"readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')"}},
		{"prod", prod, "publicWebUrl", bicepUnknown{"readEnvironmentVariable('PUBLIC_WEB_URL', '')"}},
		{"dev", dev, "redisSku", "Balanced_B0"},
		{"dev", dev, "maximumInstanceCount", int64(40)},
		{"dev", dev, "logDailyCapGb", int64(1)},
		{"dev", dev, "postgresTier", "Burstable"},
	}
	for _, tt := range tests {
		if got := tt.vals[tt.param]; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s = %#v, want %#v", tt.file, tt.param, got, tt.want)
		}
	}
	if _, ok := prod["using"]; ok {
		t.Error("using taken for a parameter")
	}
}

// The questions the infra checks ask, on the real templates.
func TestBicepMainWithParamFiles(t *testing.T) {
	main := bxReadDoc(t, "main.bicep")
	postgresDoc := bxReadDoc(t, "modules/postgres.bicep")
	storageDoc := bxReadDoc(t, "modules/storage.bicep")
	for _, file := range []string{"prod", "dev"} {
		prod := file == "prod"
		env := newBicepEnv(main, bxReadParams(t, file+".bicepparam"))
		appSettings, _ := env.eval(main.Vars["appSettings"]).(map[string]any)

		pg := bxModuleParams(t, env, bxFindDecl(t, main.Modules, "postgres"))
		pgEnv := newBicepEnv(postgresDoc, pg)
		server := bxFindDecl(t, postgresDoc.Resources, "server")
		access, ok := bicepProp(server.Body, "properties", "network", "publicNetworkAccess")
		if !ok {
			t.Fatal("postgres server: no properties.network.publicNetworkAccess")
		}

		dataStorage := newBicepEnv(storageDoc, bxModuleParams(t, env, bxFindDecl(t, main.Modules, "storage")))
		lifecycle := bxFindDecl(t, storageDoc.Resources, "lifecycle")

		tests := []struct {
			name string
			got  any
			want any
		}{
			{"redisEndpoint condition", env.eval(bxFindDecl(t, main.Modules, "redisEndpoint").Condition), prod},
			{"var publicAccess", env.eval(main.Vars["publicAccess"]), map[bool]any{true: "Disabled", false: "Enabled"}[prod]},
			{"var imageOrigin", env.eval(main.Vars["imageOrigin"]), ""},
			{"var suffix", env.eval(main.Vars["suffix"]), bicepUnknown{"uniqueString(resourceGroup().id, name)"}},
			{"appSettings.REDIS_CLUSTER", appSettings["REDIS_CLUSTER"], "false"},
			{"appSettings.POSTGRES_MAX_CONNS", appSettings["POSTGRES_MAX_CONNS"], map[bool]any{true: "8", false: "3"}[prod]},
			{"appSettings.STORAGE_ACCOUNT_NAME", appSettings["STORAGE_ACCOUNT_NAME"], bicepUnknown{"storage.outputs.name"}},
			{"postgres params.skuTier", pg["skuTier"], map[bool]any{true: "GeneralPurpose", false: "Burstable"}[prod]},
			{"postgres server publicNetworkAccess", pgEnv.eval(access), map[bool]any{true: "Disabled", false: "Enabled"}[prod]},
			{"postgres var pgbouncer", pgEnv.eval(postgresDoc.Vars["pgbouncer"]), prod},
			{"postgres output appPort", pgEnv.eval(postgresDoc.Outputs["appPort"]), map[bool]any{true: int64(6432), false: int64(5432)}[prod]},
			{"storage lifecycle condition", dataStorage.eval(lifecycle.Condition), true},
		}
		for _, tt := range tests {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("%s: %s = %#v, want %#v", file, tt.name, tt.got, tt.want)
			}
		}
	}
}

// bxSnippetCases are documents whose `var got` is evaluated.
var bxSnippetCases = []struct {
	name  string
	src   string
	bound map[string]any
	want  any
}{
	{"interpolation", "param n string\nvar got = 'a-${n}-${1 + 2}-${true}'", map[string]any{"n": "x"}, "a-x-3-true"},
	{"interpolation of an object", "var got = '${{ a: [1] }}'", nil, `{"a":[1]}`},
	{"interpolation unknown", "var got = 'id=${foo.id}'", nil, bicepUnknown{"'id=${foo.id}'"}},
	{"escapes", `var got = 'it\'s \\ \${x} \n\u{41}'`, nil, "it's \\ ${x} \nA"},
	{"multi-line string", "var got = '''\nline 1\n  it's ${raw}\n'''", nil, "line 1\n  it's ${raw}\n"},
	{"multi-line string one line", "var got = '''a'b'''", nil, "a'b"},
	{"ternary", "var got = 1 > 2 ? 'a' : 2 > 1 ? 'b' : 'c'", nil, "b"},
	{"ternary over lines", "param k string\nvar got = k == 'x'\n  ? 'yes'\n  : 'no'", map[string]any{"k": "y"}, "no"},
	{"ternary known condition, unknown branch", "var got = true ? 'a' : st.name", nil, "a"},
	{"ternary unknown condition", "var got = st.x ? 'a' : 'b'", nil, bicepUnknown{"st.x ? 'a' : 'b'"}},
	{"not", "var got = !empty([])", nil, false},
	{"not unknown", "var got = !st.enabled", nil, bicepUnknown{"!st.enabled"}},
	{"equal deep", "var got = { a: [1, 'x'] } == { a: [1, 'x'] }", nil, true},
	{"not equal", "var got = [1, 2] != [1, 2]", nil, false},
	{"equal unknown", "var got = st.name == 'x'", nil, bicepUnknown{"st.name == 'x'"}},
	{"and short-circuits", "var got = false && st.enabled", nil, false},
	{"or short-circuits", "var got = true || st.enabled", nil, true},
	{"and needs the right side", "var got = true && st.enabled", nil, bicepUnknown{"true && st.enabled"}},
	{"unknown left side", "var got = st.enabled && false", nil, bicepUnknown{"st.enabled && false"}},
	{"condition over lines", "var got = 1 == 1\n  && 2 == 2 ||\n  false", nil, true},
	{"precedence", "var got = 1 + 2 * 3 == 7 && !false", nil, true},
	{"arithmetic", "var got = 7 / 2 * 3 % 4 - -1 + (2 - 1)", nil, int64(3)},
	{"comparison of strings", "var got = 'a' < 'b'", nil, true},
	{"coalesce operator", "param p object = {}\nvar got = p.?missing ?? 'fallback'", nil, "fallback"},
	{"object with commas", "var got = { name: 'x', public: true, 'quoted-key': 1 }", nil, map[string]any{"name": "x", "public": true, "quoted-key": int64(1)}},
	{"object over lines", "var got = {\n  a: 1 // one\n  /* two */ b: 'x'\n\n  c: { d: null } // end\n}", nil, map[string]any{"a": int64(1), "b": "x", "c": map[string]any{"d": nil}}},
	{"object with an interpolated key", "param k string\nvar got = { '${k}-1': {} }", map[string]any{"k": "z"}, map[string]any{"z-1": map[string]any{}}},
	{"array with commas", "var got = [1, 'a', true]", nil, []any{int64(1), "a", true}},
	{"array over lines", "var got = [\n  'a' // first\n  'b', 'c'\n  -1\n]", nil, []any{"a", "b", "c", int64(-1)}},
	{"empty array and object", "var got = [[], {}]", nil, []any{[]any{}, map[string]any{}}},
	{"for", "var got = [for x in [1, 2]: x * 10]", nil, []any{int64(10), int64(20)}},
	{"for with index", "var got = [for (x, i) in ['a', 'b']: '${i}:${x}']", nil, []any{"0:a", "1:b"}},
	{"for filtered", "var got = [\n  for x in [1, 2, 3, 4]: if (x % 2 == 0) { v: x }\n]", nil, []any{map[string]any{"v": int64(2)}, map[string]any{"v": int64(4)}}},
	{"for over unknown", "var got = [for x in st.list: x]", nil, bicepUnknown{"[for x in st.list: x]"}},
	{"member and index", "var o = { a: { b: [10, 20] } }\nvar got = o.a.b[1] + o['a'].b[0]", nil, int64(30)},
	{"safe access", "var o = { a: 1 }\nvar got = [o.?b, o.a]", nil, []any{nil, int64(1)}},
	{"missing property", "var o = { a: 1 }\nvar got = o.b", nil, bicepUnknown{"o.b"}},
	{"resource property", "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {\n  name: 'x'\n}\nvar got = st.properties.primaryEndpoints.blob", nil, bicepUnknown{"st.properties.primaryEndpoints.blob"}},
	{"module output", "module m 'm.bicep' = {\n  name: 'm'\n}\nvar got = [m.outputs.name]", nil, []any{bicepUnknown{"m.outputs.name"}}},
	{"items", "var got = items({ b: 2, a: 'x' })", nil, []any{map[string]any{"key": "a", "value": "x"}, map[string]any{"key": "b", "value": int64(2)}}},
	{"for over items", "var s = { B: '2', A: '1' }\nvar got = [for s in items(s): { name: s.key, value: s.value }]", nil, []any{map[string]any{"name": "A", "value": "1"}, map[string]any{"name": "B", "value": "2"}}},
	{"union objects", "var got = union({ a: 1, b: 1 }, { b: 2 })", nil, map[string]any{"a": int64(1), "b": int64(2)}},
	{"union arrays", "var got = union([1, 2], [2, 3])", nil, []any{int64(1), int64(2), int64(3)}},
	{"take string", "var got = take('stabcdef', 4)", nil, "stab"},
	{"take array and skip", "var got = [take([1, 2, 3], 2), skip('abc', 1), take('ab', 9)]", nil, []any{[]any{int64(1), int64(2)}, "bc", "ab"}},
	{"split join", "var got = join(take(split('https://a.b/c/d', '/'), 3), '/')", nil, "https://a.b"},
	{"split index int", "var sku = 'C_1_Standard'\nvar got = int(split(sku, '_')[1]) + 1", nil, int64(2)},
	{"string functions", "var got = [toLower('AB'), toUpper('ab'), replace('a-b-c', '-', ''), string(12), string(true)]", nil, []any{"ab", "AB", "abc", "12", "true"}},
	{"predicates", "var got = [contains('abc', 'b'), contains([1, 2], 3), contains({ k: 1 }, 'k'), startsWith('Hello', 'he'), endsWith('abc', 'bc'), empty(''), empty(null), bool('True')]", nil, []any{true, false, true, true, true, true, true, true}},
	{"length first last", "var got = [length('abc'), length([1]), length({}), first([1, 2]), last('xyz')]", nil, []any{int64(3), int64(1), int64(0), int64(1), "z"}},
	{"concat and coalesce", "var got = [concat('a', 'b', 1), concat([1], [2]), coalesce(null, 'x', 'y')]", nil, []any{"ab1", []any{int64(1), int64(2)}, "x"}},
	{"sys namespace", "var got = sys.length([1, 2])", nil, int64(2)},
	{"map and filter", "var c = [{ p: true }, { p: false }]\nvar got = [contains(map(c, x => x.p), true), length(filter(c, x => !x.p))]", nil, []any{true, int64(1)}},
	{"unmodelled function", "var got = uniqueString(resourceGroup().id)", nil, bicepUnknown{"uniqueString(resourceGroup().id)"}},
	{"readEnvironmentVariable", "var got = readEnvironmentVariable('X', 'd')", nil, bicepUnknown{"readEnvironmentVariable('X', 'd')"}},
	{"user function", "func f(a string) string => '${a}!'\nvar got = f('x')", nil, bicepUnknown{"f('x')"}},
	{"lambda", "var got = (a, b) => a", nil, bicepUnknown{"(a, b) => a"}},
	{"var of var", "var a = 'x'\nvar b = '${a}y'\nvar got = b", nil, "xy"},
	{"cycle", "var a = b\nvar b = a\nvar got = a", nil, bicepUnknown{"a"}},
	{"call over lines", "var got = join([\n  'a'\n  'b'\n], '-'\n)", nil, "a-b"},
}

func TestBicepEvalSnippets(t *testing.T) {
	for _, tt := range bxSnippetCases {
		doc, err := parseBicepDoc(tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := newBicepEnv(doc, tt.bound).eval(doc.Vars["got"])
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, got, tt.want)
		}
	}
}

const bxDeclSnippet = `targetScope = 'resourceGroup'
metadata info = 'skipped'
import { a } from 'types.bicep'
type pair = {
  a: string
}

@description('''
A decorator over lines.
''')
@allowed([
  'a'
  'b'
])
param kind string = 'a' // trailing
@secure()
param secret string
param names array = ['x', 'y', 'z']

/* a block
   comment */
resource acct 'Microsoft.Storage/storageAccounts@2023-05-01' = if (kind == 'a') {
  name: 'st${kind}' /* inline */
  properties: {
    network: { publicNetworkAccess: kind == 'a' ? 'Disabled' : 'Enabled' } // end
    rules: [
      { value: '1.2.3.4' } // end
    ]
  }
}

resource old 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}

@batchSize(1)
resource rules 'Microsoft.Web/x@2024-01-01' = [for (n, i) in names: if (n != 'y') {
  name: '${n}-${i}'
}]

module mods 'modules/m.bicep' = [
  for n in names: {
    name: n
    params: { secret: secret, acct: acct.id }
  }
]

func hello(who string) string =>
  'hello ${who}'

output first string = names[0]
`

func TestBicepDeclarations(t *testing.T) {
	doc, err := parseBicepDoc(bxDeclSnippet)
	if err != nil {
		t.Fatal(err)
	}
	env := newBicepEnv(doc, nil)
	acct := bxFindDecl(t, doc.Resources, "acct")
	old := bxFindDecl(t, doc.Resources, "old")
	rules := bxFindDecl(t, doc.Resources, "rules")
	mods := bxFindDecl(t, doc.Modules, "mods")
	ruleNames := []any{}
	for i, n := range env.eval(rules.LoopOver).([]any) {
		e := env.withVar(rules.LoopVar, n).withVar(rules.LoopIndex, i)
		if e.eval(rules.Condition) == true {
			name, _ := bicepProp(rules.Body, "name")
			ruleNames = append(ruleNames, e.eval(name))
		}
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"resources", len(doc.Resources), 3},
		{"acct type", acct.Type, "Microsoft.Storage/storageAccounts"},
		{"acct version", acct.APIVersion, "2023-05-01"},
		{"acct line", acct.Line, 22},
		{"acct condition", bicepText(acct.Condition), "kind == 'a'"},
		{"acct condition value", env.eval(acct.Condition), true},
		{"acct not a loop", acct.Loop || acct.Existing, false},
		{"old existing", old.Existing && old.Condition == nil, true},
		{"old line", old.Line, 32},
		{"rules loop", []any{rules.Loop, rules.LoopVar, rules.LoopIndex, bicepText(rules.LoopOver), bicepText(rules.Condition)}, []any{true, "n", "i", "names", "n != 'y'"}},
		{"rules names", ruleNames, []any{"x-0", "z-2"}},
		{"module", []any{mods.Type, mods.Loop, mods.LoopVar, mods.LoopIndex, mods.Line}, []any{"modules/m.bicep", true, "n", "", 41}},
		{"module params", env.withVar("n", "q").eval(mods.Body), map[string]any{"name": "q", "params": map[string]any{"secret": bicepUnknown{"secret"}, "acct": bicepUnknown{"acct.id"}}}},
		{"param default", env.eval(doc.Params["kind"].Default), "a"},
		{"param types", []string{doc.Params["kind"].Type, doc.Params["secret"].Type, doc.Params["names"].Type}, []string{"string", "string", "array"}},
		{"func kept", doc.funcs["hello"] != nil, true},
		{"output", env.eval(doc.Outputs["first"]), "x"},
		{"vars", len(doc.Vars), 0},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestBicepEnvParams(t *testing.T) {
	doc, err := parseBicepDoc("param a string\nparam b string = '${a}-b'\nparam c int\nparam d int = c + 1\nvar v = '${b}/${c}'")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		bound map[string]any
		expr  bicepExpr
		want  any
	}{
		{"bound", map[string]any{"a": "x"}, &bxIdent{name: "a"}, "x"},
		{"bound Go int", map[string]any{"c": 3}, &bxIdent{name: "c"}, int64(3)},
		{"defaulted", map[string]any{"a": "x"}, &bxIdent{name: "b"}, "x-b"},
		{"bound over default", map[string]any{"b": "y"}, &bxIdent{name: "b"}, "y"},
		{"unbound, no default", nil, &bxIdent{name: "c"}, bicepUnknown{"c"}},
		{"default from unbound", nil, &bxIdent{name: "d"}, bicepUnknown{"c + 1"}},
		{"var", map[string]any{"a": "x", "c": 2}, doc.Vars["v"], "x-b/2"},
		{"undeclared", nil, &bxIdent{name: "zz"}, bicepUnknown{"zz"}},
	}
	for _, tt := range tests {
		if got := newBicepEnv(doc, tt.bound).eval(tt.expr); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, got, tt.want)
		}
	}
	child := newBicepEnv(doc, nil).withVar("a", "local")
	if got := child.eval(doc.Params["b"].Default); got != "local-b" {
		t.Errorf("withVar: got %#v", got)
	}
}

func TestBicepProp(t *testing.T) {
	doc, err := parseBicepDoc(bxDeclSnippet)
	if err != nil {
		t.Fatal(err)
	}
	body := bxFindDecl(t, doc.Resources, "acct").Body
	tests := []struct {
		path   []string
		want   string
		wantOK bool
	}{
		{[]string{"name"}, "'st${kind}'", true},
		{[]string{"properties", "network", "publicNetworkAccess"}, "kind == 'a' ? 'Disabled' : 'Enabled'", true},
		{[]string{"properties", "network"}, "{ publicNetworkAccess: kind == 'a' ? 'Disabled' : 'Enabled' }", true},
		{[]string{"properties", "missing"}, "", false},
		{[]string{"sku"}, "", false},
		{[]string{"name", "length"}, "", false},               // through a string
		{[]string{"properties", "rules", "value"}, "", false}, // through an array
	}
	for _, tt := range tests {
		x, ok := bicepProp(body, tt.path...)
		if ok != tt.wantOK || bicepText(x) != tt.want {
			t.Errorf("bicepProp(%v) = %q, %v; want %q, %v", tt.path, bicepText(x), ok, tt.want, tt.wantOK)
		}
	}
}

func TestBicepParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"param a string\nfoo bar", "line 2"},
		{"var x = {\n  a: 1 b: 2\n}", "line 2"},
		{"var x = 'open\n", "line 1"},
		{"\n\nvar x = [1 2]", "line 3"},
		{"resource r 'T@v' = 5", "line 1"},
		{"param a string = ", "line 1"},
		{"var x = 1 +", "line 1"},
		{"var x = (1", "line 1"},
		{"output o string = a.b::c", "line 1"},
		{"using 'main.bicep'", "line 1"},
	}
	for _, tt := range tests {
		_, err := parseBicepDoc(tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseBicepDoc(%q): error %v, want one naming %s", tt.src, err, tt.want)
		}
	}
	if _, err := parseBicepParamFile("using 'main.bicep'\nparam a = {\n  b: [\n    1\n  ]\n}\nresource x"); err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("param file: error %v, want line 7", err)
	}
}
