package ddl

import (
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"
)

// family groups column types between which a change can be judged by
// capacity alone.
type family int

const (
	famOther family = iota
	famInt
	famDecimal
	famFloat
	famBit
	famText
	famBinary
	famEnum
	famSet
	famTemporal
	famJSON
)

var typeFamilies = map[string]family{
	"tinyint": famInt, "smallint": famInt, "mediumint": famInt, "int": famInt, "integer": famInt, "bigint": famInt,
	"decimal": famDecimal, "numeric": famDecimal, "dec": famDecimal, "fixed": famDecimal,
	"float": famFloat, "double": famFloat, "real": famFloat, "double precision": famFloat,
	"bit":  famBit,
	"char": famText, "varchar": famText, "tinytext": famText, "text": famText, "mediumtext": famText, "longtext": famText,
	"binary": famBinary, "varbinary": famBinary, "tinyblob": famBinary, "blob": famBinary, "mediumblob": famBinary, "longblob": famBinary,
	"enum": famEnum, "set": famSet,
	"date": famTemporal, "datetime": famTemporal, "timestamp": famTemporal, "time": famTemporal, "year": famTemporal,
	"json": famJSON,
}

// intBytes is the storage size of each integer type; intDigits the number
// of decimal digits its (unsigned) range needs.
var (
	intBytes  = map[string]int{"tinyint": 1, "smallint": 2, "mediumint": 3, "int": 4, "integer": 4, "bigint": 8}
	intDigits = map[string]int{"tinyint": 3, "smallint": 5, "mediumint": 8, "int": 10, "integer": 10, "bigint": 20}
)

// lobBytes is the maximum length in bytes of each TEXT and BLOB type.
var lobBytes = map[string]int{
	"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295,
	"tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295,
}

// charsetMaxBytes is the widest character of common charsets; unknown
// charsets count as 4 bytes.
var charsetMaxBytes = map[string]int{
	"latin1": 1, "ascii": 1, "binary": 1, "utf8": 3, "utf8mb3": 3, "ucs2": 2, "utf16": 4, "utf32": 4, "utf8mb4": 4,
}

func familyOf(typ string) family { return typeFamilies[typ] }

// isTextual reports whether a type stores characters in a charset.
func isTextual(typ string) bool {
	f := familyOf(strings.ToLower(typ))
	return f == famText || f == famEnum || f == famSet
}

// typeNarrowed reports whether changing a column's type from old to to, in charset
// newCharset, can lose or reject values; a change of family counts as narrowing.
func typeNarrowed(old, to *sqlparser.ColumnType, newCharset string) bool {
	ot, nt := strings.ToLower(old.Type), strings.ToLower(to.Type)
	of, nf := familyOf(ot), familyOf(nt)
	switch {
	case of == famInt && nf == famInt:
		return intBytes[nt] < intBytes[ot]
	case of == famInt && nf == famDecimal:
		p, s := precisionScale(to, 10)
		return p-s < intDigits[ot]
	case of == famDecimal && nf == famDecimal:
		op, os := precisionScale(old, 10)
		np, ns := precisionScale(to, 10)
		return np-ns < op-os || ns < os
	case of == famFloat && nf == famFloat:
		return floatNarrowed(old, to)
	case of == famBit && nf == famBit:
		return length(to, 1) < length(old, 1)
	case of == famText && nf == famText:
		return maxChars(old) > guaranteedChars(to, newCharset)
	case of == famBinary && nf == famBinary:
		return byteCapacity(to) < byteCapacity(old)
	case (of == famEnum && nf == famEnum) || (of == famSet && nf == famSet):
		return valuesRemoved(old.EnumValues, to.EnumValues)
	case (of == famEnum || of == famSet) && nf == famText:
		return enumChars(old, of == famSet) > guaranteedChars(to, newCharset)
	case of == famTemporal && nf == famTemporal:
		return temporalNarrowed(ot, nt, length(old, 0), length(to, 0))
	case of == famJSON && nf == famJSON:
		return false
	case of == famOther && ot == nt:
		return length(to, 0) < length(old, 0)
	}
	return true
}

func length(ct *sqlparser.ColumnType, def int) int {
	if ct.Length == nil {
		return def
	}
	return *ct.Length
}

func precisionScale(ct *sqlparser.ColumnType, defPrecision int) (int, int) {
	s := 0
	if ct.Scale != nil {
		s = *ct.Scale
	}
	return length(ct, defPrecision), s
}

func floatNarrowed(old, to *sqlparser.ColumnType) bool {
	if strings.EqualFold(old.Type, "double") && strings.EqualFold(to.Type, "float") {
		return true
	}
	if old.Length == nil || old.Scale == nil {
		return false
	}
	if to.Length == nil || to.Scale == nil {
		return false
	}
	return *to.Length-*to.Scale < *old.Length-*old.Scale || *to.Scale < *old.Scale
}

// maxChars is the most characters a text column can hold: a TEXT type of n
// bytes holds up to n single-byte characters.
func maxChars(ct *sqlparser.ColumnType) int {
	if n, ok := lobBytes[strings.ToLower(ct.Type)]; ok {
		return n
	}
	return length(ct, 1)
}

// guaranteedChars is the number of characters a text column can hold
// whatever they are: a TEXT type of n bytes fits n / (widest character).
func guaranteedChars(ct *sqlparser.ColumnType, charset string) int {
	if n, ok := lobBytes[strings.ToLower(ct.Type)]; ok {
		width, ok := charsetMaxBytes[charset]
		if !ok {
			width = 4
		}
		return n / width
	}
	return length(ct, 1)
}

func byteCapacity(ct *sqlparser.ColumnType) int {
	if n, ok := lobBytes[strings.ToLower(ct.Type)]; ok {
		return n
	}
	return length(ct, 1)
}

// enumChars is the length of the longest value an ENUM (or SET) can take.
func enumChars(ct *sqlparser.ColumnType, isSet bool) int {
	longest, total := 0, 0
	for _, v := range enumValues(ct) {
		n := len([]rune(v))
		longest = max(longest, n)
		total += n + 1
	}
	if isSet {
		return max(total-1, 0)
	}
	return longest
}

func valuesRemoved(old, to []string) bool {
	kept := make(map[string]bool, len(to))
	for _, v := range to {
		kept[v] = true
	}
	for _, v := range old {
		if !kept[v] {
			return true
		}
	}
	return false
}

// temporalNarrowed judges changes between date and time types, given each
// side's fractional-seconds precision.
func temporalNarrowed(ot, nt string, ofsp, nfsp int) bool {
	if nfsp < ofsp {
		return true
	}
	switch {
	case ot == nt:
		return false
	case ot == "date" && nt == "datetime":
		return false
	case ot == "timestamp" && nt == "datetime":
		return false
	}
	return true
}
