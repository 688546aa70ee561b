package protocol

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits of the place directory (GET /v1/places).
const (
	MaxPlaces       = 20000   // China has ~2,850 county-level divisions
	MaxPlaceName    = 200     // characters
	MaxProvinceName = 32      // characters
	maxPlacesAnswer = 8 << 20 // bytes of JSON
)

// DecodePlaces reads and checks the answer of GET /v1/places (the
// workstation's handling-place picker trusts nothing it did not check).
func DecodePlaces(r io.Reader) (PlacesResponse, error) {
	resp, err := Decode[PlacesResponse](r, maxPlacesAnswer)
	if err != nil {
		return resp, err
	}
	if e := resp.Validate(); e != nil {
		return resp, e
	}
	return resp, nil
}

// Validate checks every place: a 6-12 digit code, once; a name; short
// texts without control characters.
func (p PlacesResponse) Validate() *Error {
	if len(p.Places) > MaxPlaces {
		return Errorf(ETOOLARGE, fmt.Sprintf("%d places, at most %d", len(p.Places), MaxPlaces), "地点目录过大")
	}
	seen := make(map[string]bool, len(p.Places))
	for i, pl := range p.Places {
		switch {
		case !ValidPlaceCode(pl.Code):
			return Invalid("code", fmt.Sprintf("place %d: code must be 6-12 digits", i), "地点代码无效")
		case seen[pl.Code]:
			return Invalid("code", "place "+pl.Code+" listed twice", "地点代码重复")
		case !plainText(pl.Name, MaxPlaceName) || strings.TrimSpace(pl.Name) == "":
			return Invalid("name", "place "+pl.Code+": name missing, too long or not plain text", "地点名称无效")
		case !plainText(pl.Province, MaxProvinceName):
			return Invalid("province", "place "+pl.Code+": province too long or not plain text", "省份名称无效")
		}
		seen[pl.Code] = true
	}
	return nil
}

// plainText is valid UTF-8 of at most max characters without control
// characters.
func plainText(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}
