package scanner

type writerState int

const (
	writerUnknown writerState = iota
	writerNone
	writerActive
)
