package spool

import (
	"context"
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"tongban/printing/perr"
)

// Windows prints through the Windows spooler (winspool.drv): the PDF is
// written as a RAW job, which suits printers that take PDF directly (most
// current office laser printers); the job is then followed with GetJob
// until it leaves the queue, and failed states are reported.
type Windows struct {
	Poll    time.Duration
	Timeout time.Duration
}

// NewWindows returns the Windows spooler printer.
func NewWindows() *Windows { return &Windows{Poll: 200 * time.Millisecond, Timeout: 2 * time.Minute} }

var (
	winspool         = windows.NewLazySystemDLL("winspool.drv")
	procOpenPrinter  = winspool.NewProc("OpenPrinterW")
	procClosePrinter = winspool.NewProc("ClosePrinter")
	procStartDoc     = winspool.NewProc("StartDocPrinterW")
	procEndDoc       = winspool.NewProc("EndDocPrinter")
	procStartPage    = winspool.NewProc("StartPagePrinter")
	procEndPage      = winspool.NewProc("EndPagePrinter")
	procWritePrinter = winspool.NewProc("WritePrinter")
	procGetJob       = winspool.NewProc("GetJobW")
	procSetJob       = winspool.NewProc("SetJobW")
	procEnumPrinters = winspool.NewProc("EnumPrintersW")
)

type docInfo1 struct {
	docName, outputFile, datatype *uint16
}

type jobInfo1 struct {
	JobID                                        uint32
	PrinterName, MachineName, UserName, Document *uint16
	Datatype, Status                             *uint16
	StatusCode, Priority, Position, TotalPages   uint32
	PagesPrinted                                 uint32
	Submitted                                    windows.Systemtime
}

const (
	jobStatusPaused     = 0x1
	jobStatusError      = 0x2
	jobStatusDeleting   = 0x4
	jobStatusOffline    = 0x20
	jobStatusPaperOut   = 0x40
	jobStatusPrinted    = 0x80
	jobStatusDeleted    = 0x100
	jobStatusBlocked    = 0x200
	jobStatusUserInterv = 0x400
	jobStatusComplete   = 0x1000
	jobControlDelete    = 5
)

// Printers implements Printer.
func (w *Windows) Printers(ctx context.Context) ([]Info, error) {
	const local, connections = 2, 4
	var need, n uint32
	procEnumPrinters.Call(local|connections, 0, 4, 0, 0, uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&n)))
	if need == 0 {
		return nil, nil
	}
	buf := make([]byte, need)
	r, _, err := procEnumPrinters.Call(local|connections, 0, 4, uintptr(unsafe.Pointer(&buf[0])), uintptr(need), uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&n)))
	if r == 0 {
		return nil, perr.Wrap(err, perr.EOFFLINE, "enum printers", "无法读取打印机列表")
	}
	type info4 struct {
		name, server *uint16
		attrs        uint32
	}
	var out []Info
	for i := 0; i < int(n); i++ {
		p := (*info4)(unsafe.Pointer(&buf[uintptr(i)*unsafe.Sizeof(info4{})]))
		out = append(out, Info{Name: windows.UTF16PtrToString(p.name), Accepting: true})
	}
	return out, nil
}

// Print implements Printer.
func (w *Windows) Print(ctx context.Context, printer string, job Job) (Result, error) {
	start := time.Now()
	name, err := syscall.UTF16PtrFromString(printer)
	if err != nil || printer == "" {
		return Result{}, perr.New(perr.EINVALID, "bad printer name", "打印机名称无效")
	}
	var h windows.Handle
	if r, _, e := procOpenPrinter.Call(uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(&h)), 0); r == 0 {
		return Result{}, perr.Wrap(e, perr.ENOTFOUND, "open printer "+printer, "打印机“"+printer+"”不存在或无法访问，请在设置中重新选择打印机")
	}
	defer procClosePrinter.Call(uintptr(h))
	title, _ := syscall.UTF16PtrFromString(job.Title)
	raw, _ := syscall.UTF16PtrFromString("RAW")
	di := docInfo1{docName: title, datatype: raw}
	id, _, e := procStartDoc.Call(uintptr(h), 1, uintptr(unsafe.Pointer(&di)))
	if id == 0 {
		return Result{}, perr.Wrap(e, perr.ECONFLICT, "start doc", "打印机“"+printer+"”拒绝了打印任务，文书未打印")
	}
	procStartPage.Call(uintptr(h))
	var written uint32
	r, _, e := procWritePrinter.Call(uintptr(h), uintptr(unsafe.Pointer(&job.PDF[0])), uintptr(len(job.PDF)), uintptr(unsafe.Pointer(&written)))
	procEndPage.Call(uintptr(h))
	procEndDoc.Call(uintptr(h))
	res := Result{Printer: printer, JobID: fmt.Sprint(id)}
	if r == 0 || int(written) != len(job.PDF) {
		w.cancel(h, uint32(id))
		return res, perr.Wrap(e, perr.ECONFLICT, "write printer", "向打印机发送数据失败，文书未打印")
	}
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	seen := false
	for {
		st, ok := w.status(h, uint32(id))
		switch {
		case !ok && seen: // left the queue after being seen without error
			res.State, res.Elapsed = "completed", time.Since(start)
			return res, nil
		case !ok:
			res.State, res.Elapsed = "completed", time.Since(start)
			return res, nil
		case st&(jobStatusError|jobStatusOffline|jobStatusPaperOut|jobStatusBlocked|jobStatusUserInterv|jobStatusDeleted|jobStatusDeleting) != 0:
			w.cancel(h, uint32(id))
			why := "打印出错"
			switch {
			case st&jobStatusOffline != 0:
				why = "打印机离线"
			case st&jobStatusPaperOut != 0:
				why = "打印机缺纸"
			case st&jobStatusUserInterv != 0:
				why = "打印机需要人工处理（卡纸或机盖打开）"
			case st&(jobStatusDeleted|jobStatusDeleting) != 0:
				why = "任务被删除"
			}
			return res, perr.New(perr.ECONFLICT, fmt.Sprintf("job %d status 0x%x", id, st), why+"，已取消该任务，文书未打印")
		case st&(jobStatusPrinted|jobStatusComplete) != 0:
			res.State, res.Elapsed = "completed", time.Since(start)
			return res, nil
		}
		seen = true
		select {
		case <-ctx.Done():
			w.cancel(h, uint32(id))
			return res, perr.New(perr.ECONFLICT, "job timed out", "打印超时，已取消该任务，文书未打印")
		case <-time.After(w.Poll):
		}
	}
}

func (w *Windows) status(h windows.Handle, id uint32) (uint32, bool) {
	var need uint32
	procGetJob.Call(uintptr(h), uintptr(id), 1, 0, 0, uintptr(unsafe.Pointer(&need)))
	if need == 0 {
		return 0, false
	}
	buf := make([]byte, need)
	if r, _, _ := procGetJob.Call(uintptr(h), uintptr(id), 1, uintptr(unsafe.Pointer(&buf[0])), uintptr(need), uintptr(unsafe.Pointer(&need))); r == 0 {
		return 0, false
	}
	return (*jobInfo1)(unsafe.Pointer(&buf[0])).StatusCode, true
}

func (w *Windows) cancel(h windows.Handle, id uint32) {
	procSetJob.Call(uintptr(h), uintptr(id), 0, 0, jobControlDelete)
}
