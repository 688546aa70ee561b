package spool

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Minimal IPP/1.1 message encoding (RFC 8010): enough for Print-Job,
// Get-Job-Attributes, Cancel-Job, Get-Printer-Attributes and CUPS-Get-Printers.

const (
	opPrintJob             = 0x0002
	opCancelJob            = 0x0008
	opGetJobAttributes     = 0x0009
	opGetPrinterAttributes = 0x000B
	opCupsGetPrinters      = 0x4002

	tagOperation = 0x01
	tagJob       = 0x02
	tagEnd       = 0x03
	tagPrinter   = 0x04

	tagInteger  = 0x21
	tagBoolean  = 0x22
	tagEnum     = 0x23
	tagText     = 0x41
	tagName     = 0x42
	tagKeyword  = 0x44
	tagURI      = 0x45
	tagCharset  = 0x47
	tagLanguage = 0x48
	tagMime     = 0x49
)

type ippAttr struct {
	tag    byte
	name   string
	values [][]byte
}

type ippMsg struct {
	code   uint16 // operation or status
	id     uint32
	groups []ippGroup
}

type ippGroup struct {
	tag   byte
	attrs []ippAttr
}

func strAttr(tag byte, name string, vals ...string) ippAttr {
	a := ippAttr{tag: tag, name: name}
	for _, v := range vals {
		a.values = append(a.values, []byte(v))
	}
	return a
}

func intAttr(tag byte, name string, v int) ippAttr {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(v))
	return ippAttr{tag: tag, name: name, values: [][]byte{b}}
}

func (m *ippMsg) encode() []byte {
	var b bytes.Buffer
	b.Write([]byte{1, 1})
	binary.Write(&b, binary.BigEndian, m.code)
	binary.Write(&b, binary.BigEndian, m.id)
	for _, g := range m.groups {
		b.WriteByte(g.tag)
		for _, a := range g.attrs {
			for i, v := range a.values {
				b.WriteByte(a.tag)
				name := a.name
				if i > 0 {
					name = ""
				}
				binary.Write(&b, binary.BigEndian, uint16(len(name)))
				b.WriteString(name)
				binary.Write(&b, binary.BigEndian, uint16(len(v)))
				b.Write(v)
			}
		}
	}
	b.WriteByte(tagEnd)
	return b.Bytes()
}

// decodeIPP parses an IPP response; attribute values keep their raw bytes.
func decodeIPP(r io.Reader) (*ippMsg, error) {
	data, err := io.ReadAll(io.LimitReader(r, 8<<20))
	if err != nil {
		return nil, err
	}
	if len(data) < 9 {
		return nil, fmt.Errorf("ipp response too short")
	}
	m := &ippMsg{code: binary.BigEndian.Uint16(data[2:]), id: binary.BigEndian.Uint32(data[4:])}
	p := 8
	var cur *ippGroup
	var last *ippAttr
	for p < len(data) {
		tag := data[p]
		p++
		if tag == tagEnd {
			return m, nil
		}
		if tag < 0x10 {
			m.groups = append(m.groups, ippGroup{tag: tag})
			cur = &m.groups[len(m.groups)-1]
			last = nil
			continue
		}
		if cur == nil || p+2 > len(data) {
			return nil, fmt.Errorf("ipp response malformed")
		}
		nl := int(binary.BigEndian.Uint16(data[p:]))
		p += 2
		if p+nl+2 > len(data) {
			return nil, fmt.Errorf("ipp response truncated")
		}
		name := string(data[p : p+nl])
		p += nl
		vl := int(binary.BigEndian.Uint16(data[p:]))
		p += 2
		if p+vl > len(data) {
			return nil, fmt.Errorf("ipp response truncated")
		}
		v := data[p : p+vl]
		p += vl
		if name == "" && last != nil {
			last.values = append(last.values, v)
			continue
		}
		cur.attrs = append(cur.attrs, ippAttr{tag: tag, name: name, values: [][]byte{v}})
		last = &cur.attrs[len(cur.attrs)-1]
	}
	return nil, fmt.Errorf("ipp response without end tag")
}

// attr finds the first attribute called name in groups with tag gtag (0: any).
func (m *ippMsg) attr(gtag byte, name string) *ippAttr {
	for gi := range m.groups {
		g := &m.groups[gi]
		if gtag != 0 && g.tag != gtag {
			continue
		}
		for ai := range g.attrs {
			if g.attrs[ai].name == name {
				return &g.attrs[ai]
			}
		}
	}
	return nil
}

func (a *ippAttr) int() int {
	if a == nil || len(a.values) == 0 || len(a.values[0]) != 4 {
		return 0
	}
	return int(int32(binary.BigEndian.Uint32(a.values[0])))
}

func (a *ippAttr) strs() []string {
	if a == nil {
		return nil
	}
	out := make([]string, len(a.values))
	for i, v := range a.values {
		out[i] = string(v)
	}
	return out
}

func (a *ippAttr) str() string {
	if s := a.strs(); len(s) > 0 {
		return s[0]
	}
	return ""
}

func (a *ippAttr) bool() bool {
	return a != nil && len(a.values) > 0 && len(a.values[0]) == 1 && a.values[0][0] == 1
}
