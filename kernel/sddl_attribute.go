package kernel

import (
	"strconv"
	"strings"
)

// This file reads and writes the resource attribute an RA ACE carries in SDDL, its
// seventh field (MS docs "ACE Strings": ace_type;...;account_sid;(resource_attribute);
// MS-DTYP 2.5.1.1, attribute-data). The form is ("name",type,flags,value,...): the
// name in double quotes, a type of TI (signed 64-bit integers), TU (unsigned), TS
// (quoted strings), TD (SIDs), TX (octet strings, #hex) or TB (booleans, 0 or 1),
// the attribute's CLAIM_SECURITY_ATTRIBUTE flags as a number, then any number of
// values of that type. Anything else is ERROR_INVALID_ACL, as every other fault
// inside an ACE is.

// A ResourceAttribute is the value of a resource-attribute ACE
// (SYSTEM_RESOURCE_ATTRIBUTE_ACE, whose data is a CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1;
// MS-DTYP 2.4.4.15, 2.4.10.1). Values hold each value in the form SDDL writes it,
// without quotes or "#": TI and TU in decimal, TS the string, TD the SID in S-1-...
// form, TX lower-case hexadecimal, TB "0" or "1". It is immutable once parsed.
type ResourceAttribute struct {
	Name   string
	Type   string
	Flags  uint32
	Values []string
}

// parseResourceAttribute reads an RA ACE's seventh field: a parenthesised attribute,
// with white space around it allowed.
func parseResourceAttribute(s string, m *Machine) (*ResourceAttribute, error) {
	t := strings.Trim(s, " ")
	if len(t) < 2 || t[0] != '(' || t[len(t)-1] != ')' {
		return nil, ERROR_INVALID_ACL
	}
	p := &condParser{s: t[1 : len(t)-1], m: m}
	name, ok := p.literal()
	if !ok || name.kind != litString || name.text == "" || !p.expect(',') {
		return nil, ERROR_INVALID_ACL
	}
	a := &ResourceAttribute{Name: name.text}
	p.space()
	if len(p.s)-p.pos < 2 {
		return nil, ERROR_INVALID_ACL
	}
	a.Type, p.pos = p.s[p.pos:p.pos+2], p.pos+2
	switch a.Type {
	case "TI", "TU", "TS", "TD", "TX", "TB":
	default:
		return nil, ERROR_INVALID_ACL
	}
	if !p.expect(',') {
		return nil, ERROR_INVALID_ACL
	}
	p.space()
	flags, ok := p.unsigned()
	if !ok || flags > 0xffffffff {
		return nil, ERROR_INVALID_ACL
	}
	a.Flags = uint32(flags)
	for p.expect(',') {
		v, ok := p.attributeValue(a.Type)
		if !ok {
			return nil, ERROR_INVALID_ACL
		}
		a.Values = append(a.Values, v)
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, ERROR_INVALID_ACL
	}
	return a, nil
}

// unsigned reads an unsigned decimal, 0x hexadecimal or 0 octal integer without a sign.
func (p *condParser) unsigned() (uint64, bool) {
	if p.pos >= len(p.s) || p.s[p.pos] < '0' || p.s[p.pos] > '9' {
		return 0, false
	}
	l, ok := p.integer()
	return l.value, ok
}

// attributeValue reads one value of a resource attribute of type typ, in the form
// ResourceAttribute.Values keeps.
func (p *condParser) attributeValue(typ string) (string, bool) {
	p.space()
	if p.pos >= len(p.s) {
		return "", false
	}
	switch typ {
	case "TI":
		l, ok := p.integer()
		if !ok || !l.neg && l.value > 1<<63-1 {
			return "", false
		}
		if l.neg {
			return strconv.FormatInt(int64(-l.value), 10), true
		}
		return strconv.FormatUint(l.value, 10), true
	case "TU":
		v, ok := p.unsigned()
		return strconv.FormatUint(v, 10), ok
	case "TB":
		start := p.pos
		v, ok := p.unsigned()
		return strconv.FormatUint(v, 10), ok && p.pos == start+1 && v <= 1
	case "TS":
		l, ok := p.literal()
		return l.text, ok && l.kind == litString
	case "TX":
		if !p.peek("#") {
			return "", false
		}
		l, ok := p.octets()
		var b strings.Builder
		l.write(&b, nil)
		return b.String()[1:], ok
	}
	// TD: a SID string up to the next comma.
	end := strings.IndexByte(p.s[p.pos:], ',')
	if end < 0 {
		end = len(p.s) - p.pos
	}
	sid, err := parseSID(strings.Trim(p.s[p.pos:p.pos+end], " "), p.m)
	p.pos += end
	return string(sid), err == nil
}

// write writes a in SDDL, with its parentheses.
func (a *ResourceAttribute) write(b *strings.Builder, m *Machine) {
	b.WriteString(`("`)
	b.WriteString(a.Name)
	b.WriteString(`",`)
	b.WriteString(a.Type)
	b.WriteString(",0x")
	b.WriteString(strconv.FormatUint(uint64(a.Flags), 16))
	for _, v := range a.Values {
		b.WriteByte(',')
		switch a.Type {
		case "TS":
			b.WriteByte('"')
			b.WriteString(v)
			b.WriteByte('"')
		case "TX":
			b.WriteByte('#')
			b.WriteString(v)
		case "TD":
			writeSID(b, SID(v), m)
		default:
			b.WriteString(v)
		}
	}
	b.WriteByte(')')
}
