package kernel

import (
	"strconv"
	"strings"
)

// This file holds conditional ACEs: the expressions of callback ACEs (XA, XD, ZA, XU) in
// SDDL, read and written back the way Windows writes them, and their evaluation in
// access checks. Sources: MS docs "Security Descriptor Definition Language for
// Conditional ACEs" (elements, operators, precedence, unknown values, evaluation) and
// "ACE Strings"; [MS-DTYP] 2.5.1 for the operator set; the SDDL pairs the Samba
// project recorded from Windows' advapi32 (libcli/security/tests/data/conditional_aces*.txt:
// the canonical form below, and the strings Windows refuses).
//
// Grammar (precedence from loosest: ||, &&, !, relational, Contains/Any_of,
// Exists/Member_of; equal precedence left to right; any part may be parenthesised):
//
//	expr     = and *("||" and)
//	and      = unary *("&&" unary)
//	unary    = "!" "(" expr ")" / "(" expr ")" / term
//	term     = member-op sids / ("Exists" / "Not_Exists") attr / attr [rel-op value]
//	sids     = "{" "SID(" sid ")" *("," "SID(" sid ")") "}" / "SID(" sid ")", possibly parenthesised
//	attr     = "@User." name / "@Device." name / "@Resource." name / name (a local attribute)
//	value    = integer / "\"" string "\"" / "#" hex / "SID(" sid ")" / "{" value *("," value) "}" / prefixed attr
//
// Keywords are matched case-insensitively; "!" must be followed by a parenthesis;
// Contains needs white space on both sides, Any_of before it; a local attribute may
// not stand on the right of an operator; integers (decimal, 0x hexadecimal, 0 octal,
// signed) must fit 64 bits.
//
// The written form (Condition.String) is Windows': the whole expression in parentheses,
// each operand of && and || in parentheses, "!(x)", operators between single spaces,
// attribute prefixes as @USER., @DEVICE., @RESOURCE., keywords in their canonical
// case (Member_of_any with a lower-case "any"), SIDs as aliases where they have one,
// integers in the base they were written in.

// A Condition is the conditional expression of a callback ACE. Conditions are
// immutable.
type Condition struct {
	root condNode
}

// String writes the condition as Windows' ConvertSecurityDescriptorToStringSecurityDescriptor
// does, within its parentheses.
func (c *Condition) String() string { return c.format(nil) }

func (c *Condition) format(m *Machine) string {
	var b strings.Builder
	b.WriteByte('(')
	c.root.write(&b, m)
	b.WriteByte(')')
	return b.String()
}

// triState is a conditional expression's value: TRUE, FALSE or UNKNOWN.
type triState uint8

const (
	condFalse triState = iota
	condTrue
	condUnknown
)

// condNode is one node of a parsed expression.
type condNode interface {
	write(b *strings.Builder, m *Machine)
	eval(tok *Token) triState
}

type (
	// condLogical is l && r (and true) or l || r.
	condLogical struct {
		and  bool
		l, r condNode
	}
	// condNot is !(x).
	condNot struct{ x condNode }
	// condMember is a Member_of family test of the token's SIDs. Its operand is one
	// literal or a list; Windows takes literals of any kind there, though only SIDs
	// mean anything (the Samba project's record of Windows' answers accepts
	// "Member_of {1, 2, 3}").
	condMember struct {
		op      int // index into memberOps
		operand condOperand
	}
	// condExists is Exists or Not_Exists of an attribute.
	condExists struct {
		not  bool
		attr condAttr
	}
	// condRelation is attr op value.
	condRelation struct {
		op    string
		attr  condAttr
		value condOperand
	}
	// condAttrTest is a bare attribute: true when it has a nonzero value.
	condAttrTest struct{ attr condAttr }
)

// condOperand is the right side of a relation: an attribute, a literal or a list.
type condOperand interface {
	write(b *strings.Builder, m *Machine)
}

// attribute scopes and their written prefixes.
const (
	scopeLocal = iota
	scopeUser
	scopeDevice
	scopeResource
)

var scopePrefixes = [...]string{"", "@USER.", "@DEVICE.", "@RESOURCE."}

type condAttr struct {
	scope int
	name  string
}

type literalKind uint8

const (
	litInt literalKind = iota
	litString
	litOctets
	litSID
)

type condLiteral struct {
	kind   literalKind
	value  uint64 // litInt: the magnitude
	neg    bool   // litInt: written with "-"
	plus   bool   // litInt: written with "+"
	base   int    // litInt: 8, 10 or 16
	text   string // litString
	octets []byte // litOctets
	sid    SID    // litSID
}

type condList []condLiteral

// memberOps are the Member_of family in their canonical spelling, with what each
// tests: the device SIDs rather than the user's, any rather than all, the inverse.
var memberOps = []struct {
	name                  string
	device, anyOf, invert bool
}{
	{"Member_of", false, false, false},
	{"Not_Member_of", false, false, true},
	{"Member_of_any", false, true, false},
	{"Not_Member_of_any", false, true, true},
	{"Device_Member_of", true, false, false},
	{"Not_Device_Member_of", true, false, true},
	{"Device_Member_of_any", true, true, false},
	{"Not_Device_Member_of_any", true, true, true},
}

// relationalWords are the word operators of relations; symbolOps the others, longest
// first.
var (
	relationalWords = []string{"Contains", "Not_Contains", "Any_of", "Not_Any_of"}
	symbolOps       = []string{"==", "!=", "<=", ">=", "<", ">"}
)

func (n condLogical) write(b *strings.Builder, m *Machine) {
	b.WriteByte('(')
	n.l.write(b, m)
	if n.and {
		b.WriteString(") && (")
	} else {
		b.WriteString(") || (")
	}
	n.r.write(b, m)
	b.WriteByte(')')
}

func (n condNot) write(b *strings.Builder, m *Machine) {
	b.WriteString("!(")
	n.x.write(b, m)
	b.WriteByte(')')
}

func (n condMember) write(b *strings.Builder, m *Machine) {
	b.WriteString(memberOps[n.op].name)
	b.WriteByte(' ')
	n.operand.write(b, m)
}

func writeSIDLiteral(b *strings.Builder, s SID, m *Machine) {
	b.WriteString("SID(")
	writeSID(b, s, m)
	b.WriteByte(')')
}

func (n condExists) write(b *strings.Builder, m *Machine) {
	if n.not {
		b.WriteString("Not_Exists ")
	} else {
		b.WriteString("Exists ")
	}
	n.attr.write(b, m)
}

func (n condRelation) write(b *strings.Builder, m *Machine) {
	n.attr.write(b, m)
	b.WriteByte(' ')
	b.WriteString(n.op)
	b.WriteByte(' ')
	n.value.write(b, m)
}

func (n condAttrTest) write(b *strings.Builder, m *Machine) { n.attr.write(b, m) }

func (a condAttr) write(b *strings.Builder, _ *Machine) {
	b.WriteString(scopePrefixes[a.scope])
	b.WriteString(a.name)
}

func (l condLiteral) write(b *strings.Builder, m *Machine) {
	switch l.kind {
	case litInt:
		if l.neg {
			b.WriteByte('-')
		} else if l.plus {
			b.WriteByte('+')
		}
		switch l.base {
		case 16:
			b.WriteString("0x")
		case 8:
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatUint(l.value, l.base))
	case litString:
		b.WriteByte('"')
		b.WriteString(l.text)
		b.WriteByte('"')
	case litOctets:
		b.WriteByte('#')
		const hexDigits = "0123456789abcdef"
		for _, c := range l.octets {
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	case litSID:
		writeSIDLiteral(b, l.sid, m)
	}
}

func (l condList) write(b *strings.Builder, m *Machine) {
	b.WriteByte('{')
	for i, v := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		v.write(b, m)
	}
	b.WriteByte('}')
}

// Evaluation (MS docs, "Unknown Values" and "Conditional ACE Evaluation"). A winsim
// token carries no claims (user or device attributes) and no device groups, and
// resource attributes are not kept: every attribute is absent, so a relation or a
// bare attribute is UNKNOWN, Exists is FALSE and Not_Exists TRUE; Member_of tests the
// token's user and groups, Device_Member_of an empty device set (docs/security.md).

func (n condLogical) eval(tok *Token) triState {
	l, r := n.l.eval(tok), n.r.eval(tok)
	if n.and {
		switch {
		case l == condFalse || r == condFalse:
			return condFalse
		case l == condTrue && r == condTrue:
			return condTrue
		}
		return condUnknown
	}
	switch {
	case l == condTrue || r == condTrue:
		return condTrue
	case l == condFalse && r == condFalse:
		return condFalse
	}
	return condUnknown
}

func (n condNot) eval(tok *Token) triState {
	switch n.x.eval(tok) {
	case condTrue:
		return condFalse
	case condFalse:
		return condTrue
	}
	return condUnknown
}

func (n condMember) eval(tok *Token) triState {
	var sids []SID
	switch v := n.operand.(type) {
	case condLiteral:
		sids = append(sids, v.sid)
	case condList:
		for _, l := range v {
			sids = append(sids, l.sid)
		}
	}
	for _, s := range sids {
		if s == "" {
			return condUnknown // a literal that is not a SID: the test has no answer
		}
	}
	op := memberOps[n.op]
	has := func(s SID) bool { return !op.device && tok.IsMember(s) }
	result := !op.anyOf
	for _, s := range sids {
		if op.anyOf && has(s) {
			result = true
			break
		}
		if !op.anyOf && !has(s) {
			result = false
			break
		}
	}
	if result != op.invert {
		return condTrue
	}
	return condFalse
}

func (n condExists) eval(*Token) triState {
	if n.not {
		return condTrue
	}
	return condFalse
}

func (condRelation) eval(*Token) triState { return condUnknown }

func (condAttrTest) eval(*Token) triState { return condUnknown }

// condParser reads a conditional expression. Errors are ERROR_INVALID_ACL, as for
// anything else wrong inside an ACE.
type condParser struct {
	s   string
	pos int
	m   *Machine
	// depth bounds the nesting, so that a hostile string cannot exhaust the stack.
	depth int
}

const maxConditionDepth = 256

// parseCondition reads the seventh field of a callback ACE string: a parenthesised
// conditional expression, with white space around it allowed.
func parseCondition(s string, m *Machine) (*Condition, error) {
	t := strings.Trim(s, " ")
	if len(t) < 2 || t[0] != '(' || t[len(t)-1] != ')' {
		return nil, ERROR_INVALID_ACL
	}
	p := &condParser{s: t, m: m}
	root, ok := p.unary()
	if !ok {
		return nil, ERROR_INVALID_ACL
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, ERROR_INVALID_ACL
	}
	return &Condition{root: root}, nil
}

func (p *condParser) space() int {
	n := 0
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
		n++
	}
	return n
}

func (p *condParser) peek(prefix string) bool { return strings.HasPrefix(p.s[p.pos:], prefix) }

func (p *condParser) expect(c byte) bool {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *condParser) or() (condNode, bool) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxConditionDepth {
		return nil, false
	}
	return p.binary("||", false, p.and)
}

func (p *condParser) and() (condNode, bool) { return p.binary("&&", true, p.unary) }

// binary reads operands (each by next) joined by the operator op, left to right.
func (p *condParser) binary(op string, and bool, next func() (condNode, bool)) (condNode, bool) {
	l, ok := next()
	for ok {
		p.space()
		if !p.peek(op) {
			break
		}
		p.pos += len(op)
		var r condNode
		if r, ok = next(); ok {
			l = condLogical{and: and, l: l, r: r}
		}
	}
	return l, ok
}

func (p *condParser) unary() (condNode, bool) {
	p.space()
	switch {
	case p.peek("!") && !p.peek("!="):
		p.pos++
		if !p.expect('(') {
			return nil, false // "!" must be followed by a parenthesis
		}
		x, ok := p.or()
		if !ok || !p.expect(')') {
			return nil, false
		}
		return condNot{x: x}, true
	case p.peek("("):
		p.pos++
		x, ok := p.or()
		if !ok || !p.expect(')') {
			return nil, false
		}
		return x, true
	}
	return p.term()
}

// isNameByte reports whether c may appear in an attribute name or keyword.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '/' || c == '.' || c == '@'
}

func (p *condParser) word() string {
	start := p.pos
	for p.pos < len(p.s) && isNameByte(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *condParser) term() (condNode, bool) {
	w := p.word()
	if w == "" {
		return nil, false
	}
	for i, op := range memberOps {
		if strings.EqualFold(w, op.name) {
			return p.member(i)
		}
	}
	if strings.EqualFold(w, "Exists") || strings.EqualFold(w, "Not_Exists") {
		if p.space() == 0 {
			return nil, false
		}
		a, ok := attrOf(p.word())
		if !ok {
			return nil, false
		}
		return condExists{not: len(w) > len("Exists"), attr: a}, true
	}
	a, ok := attrOf(w)
	if !ok {
		return nil, false
	}
	save := p.pos
	before := p.space()
	for _, op := range symbolOps {
		if p.peek(op) {
			p.pos += len(op)
			v, ok := p.value()
			return condRelation{op: op, attr: a, value: v}, ok
		}
	}
	if before > 0 {
		afterWord := p.pos
		ow := p.word()
		for _, op := range relationalWords {
			if !strings.EqualFold(ow, op) {
				continue
			}
			if strings.HasSuffix(op, "Contains") && p.space() == 0 {
				return nil, false // Contains needs white space after it
			}
			v, ok := p.value()
			return condRelation{op: op, attr: a, value: v}, ok
		}
		p.pos = afterWord
	}
	p.pos = save
	return condAttrTest{attr: a}, true
}

// attrOf reads an attribute name: a scope prefix and a name, or a local name.
func attrOf(w string) (condAttr, bool) {
	if w == "" {
		return condAttr{}, false
	}
	if w[0] != '@' {
		return condAttr{scope: scopeLocal, name: w}, strings.IndexByte(w, '@') < 0
	}
	for scope, prefix := range scopePrefixes[1:] {
		if len(w) > len(prefix) && strings.EqualFold(w[:len(prefix)], prefix) && strings.IndexByte(w[len(prefix):], '@') < 0 {
			return condAttr{scope: scope + 1, name: w[len(prefix):]}, true
		}
	}
	return condAttr{}, false
}

// member reads the operand of a Member_of family operator: "{SID(…), …}" or one
// "SID(…)" (or other literals), within any number of parentheses; the keyword must be
// followed by white space, "{" or "(".
func (p *condParser) member(op int) (condNode, bool) {
	if p.space() == 0 && !p.peek("{") && !p.peek("(") {
		return nil, false
	}
	open := 0
	for p.expect('(') {
		open++
	}
	p.space()
	if p.peek("@") {
		return nil, false // an attribute is no member operand
	}
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	for ; open > 0; open-- {
		if !p.expect(')') {
			return nil, false
		}
	}
	return condMember{op: op, operand: v}, true
}

// sidLiteral reads SID(sid), the SID an alias or S-1-… form.
func (p *condParser) sidLiteral() (SID, bool) {
	p.space()
	if len(p.s)-p.pos < 4 || !strings.EqualFold(p.s[p.pos:p.pos+4], "SID(") {
		return "", false
	}
	p.pos += 4
	end := strings.IndexByte(p.s[p.pos:], ')')
	if end < 0 {
		return "", false
	}
	sid, err := parseSID(strings.Trim(p.s[p.pos:p.pos+end], " "), p.m)
	if err != nil {
		return "", false
	}
	p.pos += end + 1
	return sid, true
}

// value reads the right side of a relation.
func (p *condParser) value() (condOperand, bool) {
	p.space()
	if p.peek("{") {
		p.pos++
		var l condList
		for {
			v, ok := p.literal()
			if !ok {
				return nil, false
			}
			l = append(l, v)
			if p.expect(',') {
				continue
			}
			return l, p.expect('}')
		}
	}
	if p.peek("@") {
		a, ok := attrOf(p.word())
		return a, ok
	}
	return p.literal()
}

// literal reads an integer, string, octet string or SID literal.
func (p *condParser) literal() (condLiteral, bool) {
	p.space()
	if p.pos >= len(p.s) {
		return condLiteral{}, false
	}
	switch c := p.s[p.pos]; {
	case c == '"':
		end := strings.IndexByte(p.s[p.pos+1:], '"')
		if end < 0 {
			return condLiteral{}, false
		}
		l := condLiteral{kind: litString, text: p.s[p.pos+1 : p.pos+1+end]}
		p.pos += end + 2
		return l, true
	case c == '#':
		return p.octets()
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return p.integer()
	}
	sid, ok := p.sidLiteral()
	return condLiteral{kind: litSID, sid: sid}, ok
}

// octets reads "#" and hexadecimal digits, each further "#" standing for "0"; an odd
// count gets a leading "0" (MS docs: "If length of the numbers is odd, then the # is
// translated to a 0 to make it even").
func (p *condParser) octets() (condLiteral, bool) {
	p.pos++
	var digits []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '#':
			digits = append(digits, '0')
		case c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			digits = append(digits, c)
		default:
			goto done
		}
		p.pos++
	}
done:
	if len(digits)%2 == 1 {
		digits = append([]byte{'0'}, digits...)
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		v, err := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
		if err != nil {
			return condLiteral{}, false
		}
		out[i] = byte(v)
	}
	return condLiteral{kind: litOctets, octets: out}, true
}

// integer reads a signed decimal, 0x hexadecimal or 0 octal integer that fits 64 bits.
func (p *condParser) integer() (condLiteral, bool) {
	l := condLiteral{kind: litInt, base: 10}
	switch p.s[p.pos] {
	case '-':
		l.neg = true
		p.pos++
	case '+':
		l.plus = true
		p.pos++
	}
	rest := p.s[p.pos:]
	switch {
	case len(rest) > 2 && (rest[:2] == "0x" || rest[:2] == "0X"):
		l.base, p.pos = 16, p.pos+2
	case len(rest) > 1 && rest[0] == '0' && rest[1] >= '0' && rest[1] <= '9':
		l.base, p.pos = 8, p.pos+1
	}
	start := p.pos
	for p.pos < len(p.s) && isNameByte(p.s[p.pos]) {
		p.pos++
	}
	v, err := strconv.ParseUint(p.s[start:p.pos], l.base, 64)
	if err != nil || p.pos == start || (l.neg && v > 1<<63) {
		return condLiteral{}, false
	}
	l.value = v
	return l, true
}
