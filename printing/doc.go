// Package printing lays out and renders Tongban's paper documents as PDF:
// 受理回执, 一次性告知书, 不予受理通知书, 快递电子运单, 交接清单 and 办结通知.
// Each document type has a data-driven template (templates/*.json: boxes in
// millimetres) per paper size. Chinese text is wrapped by this package, rune
// by rune, so no character is ever dropped or duplicated, and shrinks to fit
// its box or fails with a clear error instead of overflowing.
//
// Sub-packages: fonts (TrueType/TTC loading, per-character fallback),
// spool (CUPS and Windows spooler printing that follows the job), courier
// (waybill numbers, EMS validation, demo provider), perr (errors).
package printing
