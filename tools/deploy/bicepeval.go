package deploy

// A parser and evaluator for the subset of Bicep that infra/bicep uses. The
// Bicep compiler cannot run where the checks run, and regular expressions
// over the templates cannot follow a parameter into a module or decide an
// `if (...)`; this can, for the expressions whose value is known before a
// deployment (parameters, variables, literals, the pure built-ins).

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// bicepExpr is a parsed Bicep expression. Its node types (bx*) keep their
// source span, so a check can quote the template in its message.
type bicepExpr interface{ span() *bxNode }

// bicepDoc is one parsed .bicep file: what a check needs to find a resource
// or module and evaluate its properties.
type bicepDoc struct {
	Params    map[string]bicepParamDecl
	Vars      map[string]bicepExpr
	Resources []bicepDecl
	Modules   []bicepDecl
	Outputs   map[string]bicepExpr
	funcs     map[string]bicepExpr // user-defined functions (calls evaluate to bicepUnknown)
}

// bicepParamDecl is a `param` statement: its type and default, the fallback
// when a .bicepparam or a module call does not set it.
type bicepParamDecl struct {
	Type    string    // string, int, bool, object, array (as written, e.g. string?)
	Default bicepExpr // nil when the parameter has no default
}

// bicepDecl is a `resource` or `module` statement with the forms it can take
// (conditional, loop, existing), so a check can ask what would be deployed.
type bicepDecl struct {
	Symbol     string
	Type       string    // resources: 'Microsoft.Storage/storageAccounts' (no @version); modules: the path as written
	APIVersion string    // resources only, e.g. '2023-05-01'
	Existing   bool      // `resource x '...' existing = {`
	Condition  bicepExpr // `= if (cond) {...}`; nil when none
	Loop       bool      // `= [for ...: {...}]` (Body is then the loop's object body)
	LoopVar    string    // the item variable of the loop, "" when not a loop
	LoopIndex  string    // the index variable of `(item, i)`, "" when none
	LoopOver   bicepExpr
	Body       bicepExpr // the object literal
	Line       int       // 1-based line of the declaration
}

// bicepUnknown is a value known only at deployment time: a resource property,
// a module output, readEnvironmentVariable(...), a function not modelled, or
// anything computed from one. Text is the source of the expression that could
// not be known.
type bicepUnknown struct{ Text string }

// AST nodes. Every node embeds bxNode, its source span.
type bxNode struct {
	src        *string
	start, end int
}

func (n *bxNode) span() *bxNode { return n }

type (
	bxStr struct {
		bxNode
		segs  []string    // literal text around the interpolations: len(segs) == len(exprs)+1
		exprs []bicepExpr // ${...}
	}
	bxInt struct {
		bxNode
		v int64
	}
	bxBool struct {
		bxNode
		v bool
	}
	bxNull  struct{ bxNode }
	bxIdent struct {
		bxNode
		name string
	}
	bxObj struct {
		bxNode
		keys []bicepExpr // *bxStr (identifier keys become literal strings)
		vals []bicepExpr
	}
	bxArr struct {
		bxNode
		items []bicepExpr
	}
	bxFor struct {
		bxNode
		item, index string
		over, cond  bicepExpr // cond nil when no `if`
		body        bicepExpr
	}
	bxMember struct {
		bxNode
		x    bicepExpr
		name string
		safe bool
	}
	bxIndex struct {
		bxNode
		x, idx bicepExpr
		safe   bool
	}
	bxCall struct {
		bxNode
		fn   bicepExpr
		args []bicepExpr
	} // fn: *bxIdent or *bxMember (sys.f, x.listKeys)
	bxUnary struct {
		bxNode
		op string
		x  bicepExpr
	}
	bxBinary struct {
		bxNode
		op   string
		l, r bicepExpr
	}
	bxTern struct {
		bxNode
		c, a, b bicepExpr
	}
	bxLambda struct {
		bxNode
		params []string
		body   bicepExpr
	}
)

// bicepText is the source text of an expression, whitespace as written.
func bicepText(x bicepExpr) string {
	if x == nil {
		return ""
	}
	n := x.span()
	return (*n.src)[n.start:n.end]
}

// bxLiteralKey is the key of an object entry when it is a plain string.
func bxLiteralKey(k bicepExpr) (string, bool) {
	s, ok := k.(*bxStr)
	if !ok || len(s.exprs) > 0 {
		return "", false
	}
	return s.segs[0], true
}

// bicepProp walks object-literal property keys without evaluating anything:
// bicepProp(decl.Body, "properties", "publicNetworkAccess"). False when a key
// is absent or the path goes through something that is not an object literal.
func bicepProp(x bicepExpr, path ...string) (bicepExpr, bool) {
	for _, key := range path {
		o, ok := x.(*bxObj)
		if !ok {
			return nil, false
		}
		found := false
		for i, k := range o.keys {
			if s, ok := bxLiteralKey(k); ok && s == key {
				x, found = o.vals[i], true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return x, x != nil
}

// ---- parser ----

// bxParseError carries a parse failure (with its line) out of the recursive
// descent to parseBicepDoc, which returns it as an error.
type bxParseError struct{ msg string }

// bxParser is a recursive-descent parser working on the text directly (no
// token stream), so string interpolation simply recurses into expr.
type bxParser struct {
	src  *string
	s    string
	pos  int
	nlOK []bool // whether newlines are plain whitespace here (inside parentheses) or separators (objects, arrays, statements)
}

func (p *bxParser) fail(at int, format string, args ...any) {
	line := strings.Count(p.s[:min(at, len(p.s))], "\n") + 1
	panic(bxParseError{fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...))})
}

func (p *bxParser) push(nl bool) { p.nlOK = append(p.nlOK, nl) }
func (p *bxParser) pop()         { p.nlOK = p.nlOK[:len(p.nlOK)-1] }

// skipWS skips blanks and comments, and newlines when nl is true.
func (p *bxParser) skipWS(nl bool) {
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || (c == '\n' && nl):
			p.pos++
		case strings.HasPrefix(p.s[p.pos:], "//"):
			for p.pos < len(p.s) && p.s[p.pos] != '\n' {
				p.pos++
			}
		case strings.HasPrefix(p.s[p.pos:], "/*"):
			end := strings.Index(p.s[p.pos+2:], "*/")
			if end < 0 {
				p.fail(p.pos, "unterminated comment")
			}
			p.pos += end + 4
		default:
			return
		}
	}
}

func (p *bxParser) ws() { p.skipWS(p.nlOK[len(p.nlOK)-1]) }

func (p *bxParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// ident reads an identifier after blanks, "" when there is none.
func (p *bxParser) ident() string {
	p.ws()
	start := p.pos
	for p.pos < len(p.s) && isIdentByte(p.s[p.pos], p.pos == start) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *bxParser) needIdent() string {
	at := p.pos
	id := p.ident()
	if id == "" {
		p.fail(at, "identifier expected")
	}
	return id
}

// keyword consumes the identifier w if it comes next.
func (p *bxParser) keyword(w string) bool {
	save := p.pos
	if p.ident() == w {
		return true
	}
	p.pos = save
	return false
}

// lit consumes s if it comes next (after blanks).
func (p *bxParser) lit(s string) bool {
	p.ws()
	if strings.HasPrefix(p.s[p.pos:], s) {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *bxParser) expect(s string) {
	if !p.lit(s) {
		p.fail(p.pos, "%q expected, found %q", s, p.rest())
	}
}

func (p *bxParser) rest() string {
	r := p.s[p.pos:]
	if i := strings.IndexByte(r, '\n'); i >= 0 {
		r = r[:i]
	}
	return r
}

var bxOps = []string{"??", "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "=>", "?", ":", "<", ">", "+", "-", "*", "/", "%", "!", "="}

func (p *bxParser) opAt() string {
	for _, op := range bxOps {
		if strings.HasPrefix(p.s[p.pos:], op) {
			return op
		}
	}
	return ""
}

// contOp consumes one of ops if it comes next, also at the start of the
// next line (a ternary or a condition continued there), except `-`, which
// there may begin an array item.
func (p *bxParser) contOp(ops ...string) string {
	save := p.pos
	p.ws()
	sameLine := p.pos
	p.skipWS(true)
	op := p.opAt()
	for _, o := range ops {
		if op == o && (op != "-" || p.pos == sameLine) {
			p.pos += len(op)
			p.skipWS(true)
			return op
		}
	}
	p.pos = save
	return ""
}

func (p *bxParser) node(start int) bxNode { return bxNode{p.src, start, p.pos} }

func (p *bxParser) expr() bicepExpr {
	p.ws()
	start := p.pos
	c := p.binary(0)
	if p.contOp("?") == "" {
		return c
	}
	a := p.expr()
	if p.contOp(":") == "" {
		p.fail(p.pos, "':' of a ternary expected")
	}
	b := p.expr()
	return &bxTern{p.node(start), c, a, b}
}

var bxLevels = [][]string{{"??"}, {"||"}, {"&&"}, {"==", "!=", "=~", "!~"}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}}

func (p *bxParser) binary(level int) bicepExpr {
	if level == len(bxLevels) {
		return p.unary()
	}
	p.ws()
	start := p.pos
	l := p.binary(level + 1)
	for {
		op := p.contOp(bxLevels[level]...)
		if op == "" {
			return l
		}
		r := p.binary(level + 1)
		l = &bxBinary{p.node(start), op, l, r}
	}
}

func (p *bxParser) unary() bicepExpr {
	p.ws()
	start := p.pos
	if op := p.opAt(); op == "!" || op == "-" {
		p.pos++
		x := p.unary()
		return &bxUnary{p.node(start), op, x}
	}
	x := p.primary()
	for { // postfix: no blank before . [ (
		switch {
		case strings.HasPrefix(p.s[p.pos:], "."):
			p.pos++
			safe := p.peek() == '?'
			if safe {
				p.pos++
			}
			x = &bxMember{bxNode{}, x, p.needIdent(), safe}
			*x.span() = p.node(start)
		case strings.HasPrefix(p.s[p.pos:], "["):
			p.pos++
			p.push(true)
			safe := p.lit("?")
			idx := p.expr()
			p.expect("]")
			p.pop()
			x = &bxIndex{p.node(start), x, idx, safe}
		case strings.HasPrefix(p.s[p.pos:], "("):
			args := p.args()
			x = &bxCall{p.node(start), x, args}
		case strings.HasPrefix(p.s[p.pos:], "::"):
			p.fail(p.pos, "'::' is not supported")
		default:
			return x
		}
	}
}

func (p *bxParser) args() []bicepExpr {
	p.push(true)
	defer p.pop()
	p.expect("(")
	var args []bicepExpr
	if p.lit(")") {
		return args
	}
	for {
		args = append(args, p.expr())
		if p.lit(")") {
			return args
		}
		p.expect(",")
	}
}

func (p *bxParser) primary() bicepExpr {
	p.ws()
	start := p.pos
	c := p.peek()
	switch {
	case c == '\'':
		return p.str()
	case c >= '0' && c <= '9':
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		v, err := strconv.ParseInt(p.s[start:p.pos], 10, 64)
		if err != nil {
			p.fail(start, "bad number %q", p.s[start:p.pos])
		}
		return &bxInt{p.node(start), v}
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '(':
		if l := p.tryLambda(); l != nil {
			return l
		}
		p.pos++
		p.push(true)
		x := p.expr()
		p.expect(")")
		p.pop()
		return x
	case isIdentByte(c, true):
		id := p.ident()
		switch id {
		case "true", "false":
			return &bxBool{p.node(start), id == "true"}
		case "null":
			return &bxNull{p.node(start)}
		}
		save := p.pos
		if p.lit("=>") {
			p.skipWS(true)
			body := p.expr()
			return &bxLambda{p.node(start), []string{id}, body}
		}
		p.pos = save
		return &bxIdent{p.node(start), id}
	}
	p.fail(start, "unexpected %q", p.rest())
	return nil
}

// tryLambda parses `(a, b) => expr`, or returns nil and moves nothing.
func (p *bxParser) tryLambda() bicepExpr {
	start, save := p.pos, p.pos
	p.pos++
	p.push(true)
	defer p.pop()
	var params []string
	for !p.lit(")") {
		id := p.ident()
		if id == "" {
			p.pos = save
			return nil
		}
		params = append(params, id)
		if !p.lit(",") && p.peek() != ')' {
			p.ws()
			if p.peek() != ')' {
				p.pos = save
				return nil
			}
		}
	}
	if !p.lit("=>") {
		p.pos = save
		return nil
	}
	body := p.expr()
	return &bxLambda{p.node(start), params, body}
}

func (p *bxParser) str() bicepExpr {
	start := p.pos
	if strings.HasPrefix(p.s[p.pos:], "'''") {
		end := strings.Index(p.s[p.pos+3:], "'''")
		if end < 0 {
			p.fail(start, "unterminated multi-line string")
		}
		text := p.s[p.pos+3 : p.pos+3+end]
		text = strings.TrimPrefix(strings.TrimPrefix(text, "\r"), "\n")
		p.pos += end + 6
		return &bxStr{p.node(start), []string{text}, nil}
	}
	p.pos++
	s := &bxStr{}
	var b strings.Builder
	for {
		if p.pos >= len(p.s) || p.s[p.pos] == '\n' {
			p.fail(start, "unterminated string")
		}
		c := p.s[p.pos]
		switch {
		case c == '\'':
			p.pos++
			s.segs = append(s.segs, b.String())
			s.bxNode = p.node(start)
			return s
		case c == '\\' && p.pos+1 < len(p.s):
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '\\', '\'', '$':
				b.WriteByte(e)
			case 'u':
				end := strings.IndexByte(p.s[p.pos:], '}')
				if !strings.HasPrefix(p.s[p.pos:], "{") || end < 0 {
					p.fail(p.pos, "bad \\u escape")
				}
				r, err := strconv.ParseUint(p.s[p.pos+1:p.pos+end], 16, 32)
				if err != nil {
					p.fail(p.pos, "bad \\u escape")
				}
				b.WriteRune(rune(r))
				p.pos += end + 1
			default:
				p.fail(p.pos-2, "unknown escape \\%c", e)
			}
		case strings.HasPrefix(p.s[p.pos:], "${"):
			p.pos += 2
			s.segs = append(s.segs, b.String())
			b.Reset()
			p.push(true)
			s.exprs = append(s.exprs, p.expr())
			p.expect("}")
			p.pop()
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// itemEnd requires a separator after an object or array entry: a comma, a
// newline or the closing bracket.
func (p *bxParser) itemEnd(closer byte) {
	p.skipWS(false)
	switch p.peek() {
	case ',':
		p.pos++
	case '\n', closer:
	default:
		p.fail(p.pos, "',' or a new line expected, found %q", p.rest())
	}
}

func (p *bxParser) object() bicepExpr {
	start := p.pos
	p.pos++
	p.push(false)
	defer p.pop()
	o := &bxObj{}
	for {
		p.skipWS(true)
		if p.peek() == '}' {
			p.pos++
			o.bxNode = p.node(start)
			return o
		}
		var key bicepExpr
		if p.peek() == '\'' {
			key = p.str()
		} else {
			ks := p.pos
			id := p.needIdent()
			key = &bxStr{p.node(ks), []string{id}, nil}
		}
		p.expect(":")
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, p.expr())
		p.itemEnd('}')
	}
}

func (p *bxParser) array() bicepExpr {
	start := p.pos
	p.pos++
	p.push(false)
	defer p.pop()
	p.skipWS(true)
	if save := p.pos; p.ident() == "for" {
		return p.forExpr(start)
	} else {
		p.pos = save
	}
	a := &bxArr{}
	for {
		p.skipWS(true)
		if p.peek() == ']' {
			p.pos++
			a.bxNode = p.node(start)
			return a
		}
		a.items = append(a.items, p.expr())
		p.itemEnd(']')
	}
}

// forExpr parses the rest of `[for item in list: body]` or
// `[for (item, i) in list: if (cond) body]` after the `for`.
func (p *bxParser) forExpr(start int) bicepExpr {
	p.push(true)
	defer p.pop()
	f := &bxFor{}
	if p.lit("(") {
		f.item = p.needIdent()
		p.expect(",")
		f.index = p.needIdent()
		p.expect(")")
	} else {
		f.item = p.needIdent()
	}
	if !p.keyword("in") {
		p.fail(p.pos, "'in' expected")
	}
	f.over = p.expr()
	p.expect(":")
	if p.keyword("if") {
		p.expect("(")
		f.cond = p.expr()
		p.expect(")")
	}
	f.body = p.expr()
	p.expect("]")
	f.bxNode = p.node(start)
	return f
}

// typeText reads a type as written, up to `=`, `=>` or the end of the line.
func (p *bxParser) typeText() string {
	p.skipWS(false)
	start, depth := p.pos, 0
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if depth == 0 && (c == '\n' || c == '=' || strings.HasPrefix(p.s[p.pos:], "//")) {
			break
		}
		switch c {
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
		case '\'':
			p.str()
			continue
		}
		p.pos++
	}
	return strings.TrimSpace(p.s[start:p.pos])
}

// skipStatement skips to the end of the statement (import, type, metadata).
func (p *bxParser) skipStatement() {
	p.typeText()
	if p.peek() == '=' {
		p.pos++
		p.typeText()
	}
}

// endOfLine requires nothing but blanks and a comment before the next line.
func (p *bxParser) endOfLine() {
	p.skipWS(false)
	if p.pos < len(p.s) && p.s[p.pos] != '\n' {
		p.fail(p.pos, "unexpected %q", p.rest())
	}
}

func (p *bxParser) lineOf(at int) int { return strings.Count(p.s[:at], "\n") + 1 }

// declBody parses what follows `=` in a resource or module statement.
func (p *bxParser) declBody(d *bicepDecl) {
	p.ws()
	if p.keyword("if") {
		p.expect("(")
		p.push(true)
		d.Condition = p.expr()
		p.pop()
		p.expect(")")
	} else if p.peek() == '[' {
		f, ok := p.primary().(*bxFor)
		if !ok {
			p.fail(p.pos, "a for loop or an object expected")
		}
		d.Loop, d.LoopVar, d.LoopIndex, d.LoopOver = true, f.item, f.index, f.over
		d.Condition, d.Body = f.cond, f.body
		return
	}
	p.ws()
	if p.peek() != '{' {
		p.fail(p.pos, "object expected, found %q", p.rest())
	}
	d.Body = p.object()
}

func bxRun(text string, stmt func(p *bxParser, kw string, at int)) (err error) {
	p := &bxParser{src: &text, s: text, nlOK: []bool{false}}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(bxParseError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("bicep: %s", pe.msg)
		}
	}()
	for {
		p.skipWS(true)
		if p.pos >= len(p.s) {
			return nil
		}
		if p.peek() == '@' { // decorator: parsed and ignored
			p.pos++
			p.unary()
			continue
		}
		at := p.pos
		kw := p.ident()
		if kw == "" {
			p.fail(at, "statement expected, found %q", p.rest())
		}
		stmt(p, kw, at)
		p.endOfLine()
	}
}

// parseBicepDoc parses a .bicep file; the error names the line it could not parse.
func parseBicepDoc(text string) (*bicepDoc, error) {
	doc := &bicepDoc{Params: map[string]bicepParamDecl{}, Vars: map[string]bicepExpr{},
		Outputs: map[string]bicepExpr{}, funcs: map[string]bicepExpr{}}
	err := bxRun(text, func(p *bxParser, kw string, at int) {
		switch kw {
		case "targetScope":
			p.expect("=")
			p.expr()
		case "param":
			name := p.needIdent()
			d := bicepParamDecl{Type: p.typeText()}
			if p.lit("=") {
				d.Default = p.expr()
			}
			doc.Params[name] = d
		case "var":
			name := p.needIdent()
			p.typeText()
			p.expect("=")
			doc.Vars[name] = p.expr()
		case "output":
			name := p.needIdent()
			p.typeText()
			p.expect("=")
			doc.Outputs[name] = p.expr()
		case "resource", "module":
			d := bicepDecl{Symbol: p.needIdent(), Line: p.lineOf(at)}
			p.ws()
			ts := p.pos
			s, ok := p.primary().(*bxStr)
			if !ok || len(s.exprs) > 0 {
				p.fail(ts, "a %s type string expected", kw)
			}
			d.Type = s.segs[0]
			if kw == "resource" {
				d.Type, d.APIVersion, _ = strings.Cut(d.Type, "@")
				d.Existing = p.keyword("existing")
			}
			p.expect("=")
			p.declBody(&d)
			if kw == "resource" {
				doc.Resources = append(doc.Resources, d)
			} else {
				doc.Modules = append(doc.Modules, d)
			}
		case "func":
			name := p.needIdent()
			start := p.pos
			p.ws()
			if p.peek() != '(' {
				p.fail(p.pos, "'(' expected")
			}
			p.typeText() // the arguments and the return type, up to =>
			p.expect("=>")
			p.skipWS(true)
			body := p.expr()
			doc.funcs[name] = &bxLambda{p.node(start), nil, body}
		case "import", "type", "metadata":
			p.skipStatement()
		default:
			p.fail(at, "unknown statement %q", kw)
		}
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// parseBicepParamFile reads a .bicepparam: `using '...'` is skipped, and each
// `param name = expr` gives name → expr.
func parseBicepParamFile(text string) (map[string]bicepExpr, error) {
	params := map[string]bicepExpr{}
	err := bxRun(text, func(p *bxParser, kw string, at int) {
		switch kw {
		case "using", "import":
			p.skipStatement()
		case "param":
			name := p.needIdent()
			p.expect("=")
			params[name] = p.expr()
		default:
			p.fail(at, "unknown statement %q", kw)
		}
	})
	if err != nil {
		return nil, err
	}
	return params, nil
}

// bicepParamValues evaluates a .bicepparam's expressions (readEnvironmentVariable
// gives bicepUnknown), ready for newBicepEnv's bound.
func bicepParamValues(params map[string]bicepExpr) map[string]any {
	env := newBicepEnv(&bicepDoc{}, nil)
	out := map[string]any{}
	for k, x := range params {
		out[k] = env.eval(x)
	}
	return out
}

// ---- evaluation ----

// bicepEnv evaluates the expressions of one file with its parameters bound,
// plus the loop variables of the scope it stands for.
type bicepEnv struct {
	doc    *bicepDoc
	bound  map[string]any
	root   *bicepEnv
	parent *bicepEnv // nil at the root
	name   string    // the local variable this env adds (not at the root)
	val    any
	cache  map[string]any  // root only: parameters and variables already evaluated
	busy   map[string]bool // root only: cycle guard
}

// newBicepEnv binds a file's parameters: a value in bound, else the default
// (evaluated lazily), else bicepUnknown{Text: name}.
func newBicepEnv(doc *bicepDoc, bound map[string]any) *bicepEnv {
	b := map[string]any{}
	for k, v := range bound {
		b[k] = bxNorm(v)
	}
	e := &bicepEnv{doc: doc, bound: b, cache: map[string]any{}, busy: map[string]bool{}}
	e.root = e
	return e
}

// withVar returns a child env with one more variable bound (loop item / index).
func (e *bicepEnv) withVar(name string, v any) *bicepEnv {
	return &bicepEnv{doc: e.doc, bound: e.bound, root: e.root, parent: e, name: name, val: bxNorm(v)}
}

// bxNorm turns Go values a caller may bind into the evaluator's kinds.
func bxNorm(v any) any {
	switch v := v.(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case float64:
		return int64(v)
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case map[string]string:
		out := map[string]any{}
		for k, s := range v {
			out[k] = s
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = bxNorm(x)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = bxNorm(x)
		}
		return out
	}
	return v
}

func (e *bicepEnv) lookup(name string) any {
	for c := e; c.parent != nil; c = c.parent {
		if c.name == name {
			return c.val
		}
	}
	r := e.root
	if v, ok := r.cache[name]; ok {
		return v
	}
	if r.busy[name] {
		return bicepUnknown{name}
	}
	r.busy[name] = true
	defer delete(r.busy, name)
	var v any = bicepUnknown{name}
	if d, ok := r.doc.Params[name]; ok {
		if b, ok := r.bound[name]; ok {
			v = b
		} else if d.Default != nil {
			v = r.eval(d.Default)
		}
	} else if x, ok := r.doc.Vars[name]; ok {
		v = r.eval(x)
	} else if b, ok := r.bound[name]; ok {
		v = b
	}
	r.cache[name] = v
	return v
}

func bxUnknownOf(x bicepExpr) any { return bicepUnknown{bicepText(x)} }

func bxIsUnknown(v any) bool { _, ok := v.(bicepUnknown); return ok }

// bxHasUnknown says whether v is, or holds, a bicepUnknown.
func bxHasUnknown(v any) bool {
	switch v := v.(type) {
	case bicepUnknown:
		return true
	case []any:
		for _, x := range v {
			if bxHasUnknown(x) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if bxHasUnknown(x) {
				return true
			}
		}
	}
	return false
}

// eval returns string, int64, bool, nil, map[string]any, []any or bicepUnknown.
func (e *bicepEnv) eval(x bicepExpr) any {
	switch x := x.(type) {
	case *bxStr:
		var b strings.Builder
		b.WriteString(x.segs[0])
		for i, sub := range x.exprs {
			v := e.eval(sub)
			s, ok := bxString(v)
			if !ok {
				return bxUnknownOf(x)
			}
			b.WriteString(s)
			b.WriteString(x.segs[i+1])
		}
		return b.String()
	case *bxInt:
		return x.v
	case *bxBool:
		return x.v
	case *bxNull:
		return nil
	case *bxIdent:
		return e.lookup(x.name)
	case *bxObj:
		out := map[string]any{}
		for i, k := range x.keys {
			key, ok := e.eval(k).(string)
			if !ok {
				return bxUnknownOf(x)
			}
			out[key] = e.eval(x.vals[i])
		}
		return out
	case *bxArr:
		out := make([]any, 0, len(x.items))
		for _, it := range x.items {
			out = append(out, e.eval(it))
		}
		return out
	case *bxFor:
		over, ok := e.eval(x.over).([]any)
		if !ok {
			return bxUnknownOf(x)
		}
		out := []any{}
		for i, item := range over {
			c := e.withVar(x.item, item)
			if x.index != "" {
				c = c.withVar(x.index, int64(i))
			}
			if x.cond != nil {
				keep, ok := c.eval(x.cond).(bool)
				if !ok {
					return bxUnknownOf(x)
				}
				if !keep {
					continue
				}
			}
			out = append(out, c.eval(x.body))
		}
		return out
	case *bxMember:
		switch v := e.eval(x.x).(type) {
		case map[string]any:
			if m, ok := v[x.name]; ok {
				return m
			}
			if x.safe {
				return nil
			}
		case nil:
			if x.safe {
				return nil
			}
		}
		return bxUnknownOf(x)
	case *bxIndex:
		v, i := e.eval(x.x), e.eval(x.idx)
		switch v := v.(type) {
		case []any:
			if n, ok := i.(int64); ok && n >= 0 && n < int64(len(v)) {
				return v[n]
			}
		case map[string]any:
			if k, ok := i.(string); ok {
				if m, ok := v[k]; ok {
					return m
				}
				if x.safe {
					return nil
				}
			}
		}
		return bxUnknownOf(x)
	case *bxCall:
		return e.call(x)
	case *bxUnary:
		v := e.eval(x.x)
		if b, ok := v.(bool); ok && x.op == "!" {
			return !b
		}
		if n, ok := v.(int64); ok && x.op == "-" {
			return -n
		}
		return bxUnknownOf(x)
	case *bxBinary:
		return e.binary(x)
	case *bxTern:
		c, ok := e.eval(x.c).(bool)
		if !ok {
			return bxUnknownOf(x)
		}
		if c {
			return e.eval(x.a)
		}
		return e.eval(x.b)
	}
	return bxUnknownOf(x) // lambdas
}

func (e *bicepEnv) binary(x *bxBinary) any {
	l := e.eval(x.l)
	switch x.op {
	case "&&", "||":
		lb, ok := l.(bool)
		if !ok {
			return bxUnknownOf(x)
		}
		if lb == (x.op == "||") {
			return lb
		}
		if r, ok := e.eval(x.r).(bool); ok {
			return r
		}
		return bxUnknownOf(x)
	case "??":
		if bxIsUnknown(l) {
			return bxUnknownOf(x)
		}
		if l != nil {
			return l
		}
		return e.eval(x.r)
	}
	r := e.eval(x.r)
	if bxHasUnknown(l) || bxHasUnknown(r) {
		return bxUnknownOf(x)
	}
	ls, lStr := l.(string)
	rs, rStr := r.(string)
	a, lInt := l.(int64)
	b, rInt := r.(int64)
	var c int // the comparison of two strings or two ints
	switch {
	case lStr && rStr:
		c = strings.Compare(ls, rs)
	case lInt && rInt:
		c = cmp.Compare(a, b)
	}
	ordered := lStr && rStr || lInt && rInt
	switch x.op {
	case "==":
		return bxEqual(l, r)
	case "!=":
		return !bxEqual(l, r)
	case "=~", "!~":
		if lStr && rStr {
			return strings.EqualFold(ls, rs) == (x.op == "=~")
		}
	case "<", "<=", ">", ">=":
		if ordered {
			return map[string]bool{"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[x.op]
		}
	case "+", "-", "*":
		if lInt && rInt {
			return map[string]int64{"+": a + b, "-": a - b, "*": a * b}[x.op]
		}
	case "/", "%":
		if lInt && rInt && b != 0 {
			return map[bool]int64{true: a / b, false: a % b}[x.op == "/"]
		}
	}
	return bxUnknownOf(x)
}

// bxEqual compares two known values deeply.
func bxEqual(a, b any) bool {
	switch a := a.(type) {
	case []any:
		bb, ok := b.([]any)
		if !ok || len(a) != len(bb) {
			return false
		}
		for i := range a {
			if !bxEqual(a[i], bb[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bb, ok := b.(map[string]any)
		if !ok || len(a) != len(bb) {
			return false
		}
		for k, v := range a {
			w, ok := bb[k]
			if !ok || !bxEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

// bxString is string(v) for a known value (objects and arrays as JSON).
func bxString(v any) (string, bool) {
	if bxHasUnknown(v) {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case bool:
		return strconv.FormatBool(v), true
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// call evaluates the modelled built-ins; any other function is unknown.
func (e *bicepEnv) call(x *bxCall) any {
	var name string
	switch fn := x.fn.(type) {
	case *bxIdent:
		name = fn.name
	case *bxMember:
		if ns, ok := fn.x.(*bxIdent); ok && (ns.name == "sys" || ns.name == "az") {
			name = fn.name
		}
	}
	if name == "" || name == "readEnvironmentVariable" || e.doc.funcs[name] != nil {
		return bxUnknownOf(x)
	}
	if (name == "map" || name == "filter") && len(x.args) == 2 { // with a one-argument lambda
		arr, ok := e.eval(x.args[0]).([]any)
		l, isLambda := x.args[1].(*bxLambda)
		if !ok || !isLambda || len(l.params) != 1 {
			return bxUnknownOf(x)
		}
		out := []any{}
		for _, it := range arr {
			v := e.withVar(l.params[0], it).eval(l.body)
			if name == "map" {
				out = append(out, v)
			} else if keep, ok := v.(bool); !ok {
				return bxUnknownOf(x)
			} else if keep {
				out = append(out, it)
			}
		}
		return out
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		args[i] = e.eval(a)
		if bxIsUnknown(args[i]) && name != "coalesce" {
			return bxUnknownOf(x)
		}
	}
	if v, ok := bxBuiltin(name, args); ok {
		return v
	}
	return bxUnknownOf(x)
}

// bxBuiltin is a modelled built-in function of known arguments; false when
// the function or these argument types are not modelled.
func bxBuiltin(name string, a []any) (any, bool) {
	arg := func(i int) any {
		if i < len(a) {
			return a[i]
		}
		return bicepUnknown{}
	}
	s0, isStr0 := arg(0).(string)
	s1, isStr1 := arg(1).(string)
	arr0, isArr0 := arg(0).([]any)
	obj0, isObj0 := arg(0).(map[string]any)
	n1, isNum1 := arg(1).(int64)
	size := int64(len([]rune(s0))) + int64(len(arr0)) + int64(len(obj0))
	switch name {
	case "empty":
		return size == 0, arg(0) == nil || isStr0 || isArr0 || isObj0
	case "length":
		return size, isStr0 || isArr0 || isObj0
	case "contains":
		switch {
		case isStr0 && isStr1:
			return strings.Contains(s0, s1), true
		case isObj0 && isStr1:
			_, has := obj0[s1]
			return has, true
		case isArr0 && !bxHasUnknown(arg(1)):
			unsure := false
			for _, it := range arr0 {
				if bxHasUnknown(it) {
					unsure = true
				} else if bxEqual(it, arg(1)) {
					return true, true
				}
			}
			return false, !unsure
		}
	case "toLower":
		return strings.ToLower(s0), isStr0
	case "toUpper":
		return strings.ToUpper(s0), isStr0
	case "string":
		return bxString(arg(0))
	case "int":
		if n, ok := arg(0).(int64); ok {
			return n, true
		}
		n, err := strconv.ParseInt(s0, 10, 64)
		return n, isStr0 && err == nil
	case "bool":
		if n, ok := arg(0).(int64); ok {
			return n != 0, true
		}
		if b, ok := arg(0).(bool); ok {
			return b, true
		}
		b, err := strconv.ParseBool(strings.ToLower(s0))
		return b, isStr0 && err == nil
	case "concat", "union":
		if isArr0 {
			out := []any{}
			for _, v := range a {
				arr, ok := v.([]any)
				if !ok || name == "union" && bxHasUnknown(arr) {
					return nil, false
				}
				for _, it := range arr {
					if name == "concat" || !slices.ContainsFunc(out, func(have any) bool { return bxEqual(have, it) }) {
						out = append(out, it)
					}
				}
			}
			return out, true
		}
		if isObj0 && name == "union" { // shallow merge
			out := map[string]any{}
			for _, v := range a {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, false
				}
				maps.Copy(out, m)
			}
			return out, true
		}
		var b strings.Builder
		for _, v := range a {
			switch v.(type) {
			case string, int64, bool:
				str, _ := bxString(v)
				b.WriteString(str)
			default:
				return nil, false
			}
		}
		return b.String(), name == "concat" && len(a) > 0
	case "take", "skip":
		if !isNum1 || !isStr0 && !isArr0 {
			return nil, false
		}
		k := int(max(0, min(n1, size)))
		from, to := 0, k
		if name == "skip" {
			from, to = k, int(size)
		}
		if isStr0 {
			return string([]rune(s0)[from:to]), true
		}
		return slices.Clone(arr0[from:to]), true
	case "first", "last":
		if !isStr0 && !isArr0 {
			return nil, false
		}
		if size == 0 {
			return map[bool]any{true: "", false: nil}[isStr0], true
		}
		at := map[bool]int64{true: 0, false: size - 1}[name == "first"]
		if isStr0 {
			return string([]rune(s0)[at]), true
		}
		return arr0[at], true
	case "split":
		seps := []string{s1}
		if d, ok := arg(1).([]any); ok {
			seps, isStr1 = nil, true
			for _, x := range d {
				sep, ok := x.(string)
				seps, isStr1 = append(seps, sep), isStr1 && ok
			}
		}
		parts := []string{s0}
		for _, sep := range seps {
			var next []string
			for _, p := range parts {
				next = append(next, strings.Split(p, sep)...)
			}
			parts = next
		}
		return bxNorm(parts), isStr0 && isStr1
	case "join":
		ss := make([]string, len(arr0))
		for i, v := range arr0 {
			str, ok := bxString(v)
			if !ok {
				return nil, false
			}
			ss[i] = str
		}
		return strings.Join(ss, s1), isArr0 && isStr1
	case "replace":
		s2, isStr2 := arg(2).(string)
		return strings.ReplaceAll(s0, s1, s2), isStr0 && isStr1 && isStr2
	case "startsWith": // case-insensitive, as in ARM
		return strings.HasPrefix(strings.ToLower(s0), strings.ToLower(s1)), isStr0 && isStr1
	case "endsWith":
		return strings.HasSuffix(strings.ToLower(s0), strings.ToLower(s1)), isStr0 && isStr1
	case "coalesce":
		for _, v := range a {
			if v != nil {
				return v, !bxIsUnknown(v)
			}
		}
		return nil, true
	case "items":
		keys := slices.Sorted(maps.Keys(obj0))
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = map[string]any{"key": k, "value": obj0[k]}
		}
		return out, isObj0
	case "range":
		from, ok := arg(0).(int64)
		if !ok || !isNum1 || n1 < 0 || n1 > 10000 {
			return nil, false
		}
		out := make([]any, n1)
		for i := range out {
			out[i] = from + int64(i)
		}
		return out, true
	}
	return nil, false
}
