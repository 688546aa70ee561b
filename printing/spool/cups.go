package spool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tongban/printing/perr"
)

// CUPS prints through a CUPS server over IPP (the protocol lp and lpstat
// use), following each job with Get-Job-Attributes.
type CUPS struct {
	addr    string // unix socket path, or host:port
	user    string
	client  *http.Client
	reqID   atomic.Uint32
	Poll    time.Duration // job status poll interval
	Timeout time.Duration // longest wait for one job
}

// NewCUPS returns a client for the CUPS server at addr: a unix socket path
// or host:port. Empty addr means $CUPS_SERVER, else /run/cups/cups.sock,
// else localhost:631.
func NewCUPS(addr string) *CUPS {
	if addr == "" {
		addr = os.Getenv("CUPS_SERVER")
	}
	if addr == "" {
		addr = "localhost:631"
		if _, err := os.Stat("/run/cups/cups.sock"); err == nil {
			addr = "/run/cups/cups.sock"
		}
	}
	c := &CUPS{addr: addr, user: "tongban", Poll: 100 * time.Millisecond, Timeout: 2 * time.Minute}
	if u, err := user.Current(); err == nil && u.Username != "" {
		c.user = u.Username
	}
	tr := &http.Transport{}
	if strings.HasPrefix(addr, "/") {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", addr)
		}
	}
	c.client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return c
}

func (c *CUPS) host() string {
	if strings.HasPrefix(c.addr, "/") {
		return "localhost"
	}
	return c.addr
}

func (c *CUPS) printerURI(name string) string {
	return "ipp://localhost/printers/" + url.PathEscape(name)
}

func (c *CUPS) do(ctx context.Context, path string, op uint16, attrs []ippAttr, job []ippAttr, doc []byte) (*ippMsg, error) {
	m := ippMsg{code: op, id: c.reqID.Add(1), groups: []ippGroup{{tag: tagOperation, attrs: append([]ippAttr{
		strAttr(tagCharset, "attributes-charset", "utf-8"),
		strAttr(tagLanguage, "attributes-natural-language", "zh-cn"),
	}, attrs...)}}}
	if len(job) > 0 {
		m.groups = append(m.groups, ippGroup{tag: tagJob, attrs: job})
	}
	body := append(m.encode(), doc...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+c.host()+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/ipp")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, perr.Wrap(err, perr.EOFFLINE, "cups unreachable at "+c.addr,
			"无法连接打印服务（CUPS："+c.addr+"），请确认打印服务已启动")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, perr.New(perr.EOFFLINE, "cups http status "+resp.Status, "打印服务返回错误："+resp.Status)
	}
	out, err := decodeIPP(resp.Body)
	if err != nil {
		return nil, perr.Wrap(err, perr.EINTERNAL, "decode ipp", "打印服务应答无法识别")
	}
	return out, nil
}

// Printers implements Printer.
func (c *CUPS) Printers(ctx context.Context) ([]Info, error) {
	resp, err := c.do(ctx, "/", opCupsGetPrinters, []ippAttr{
		strAttr(tagKeyword, "requested-attributes", "printer-name", "printer-state", "printer-is-accepting-jobs", "printer-state-reasons"),
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, g := range resp.groups {
		if g.tag != tagPrinter {
			continue
		}
		m := &ippMsg{groups: []ippGroup{g}}
		out = append(out, infoFrom(m))
	}
	return out, nil
}

func infoFrom(m *ippMsg) Info {
	states := map[int]string{3: "idle", 4: "processing", 5: "stopped"}
	return Info{
		Name:      m.attr(tagPrinter, "printer-name").str(),
		State:     states[m.attr(tagPrinter, "printer-state").int()],
		Accepting: m.attr(tagPrinter, "printer-is-accepting-jobs").bool(),
		Reasons:   m.attr(tagPrinter, "printer-state-reasons").strs(),
	}
}

func notFound(name string) error {
	return perr.New(perr.ENOTFOUND, "printer "+name+" does not exist",
		"打印机“"+name+"”不存在，请在设置中重新选择打印机")
}

// printer returns the state of one printer.
func (c *CUPS) printer(ctx context.Context, name string) (Info, error) {
	resp, err := c.do(ctx, "/", opGetPrinterAttributes, []ippAttr{
		strAttr(tagURI, "printer-uri", c.printerURI(name)),
		strAttr(tagKeyword, "requested-attributes", "printer-name", "printer-state", "printer-is-accepting-jobs", "printer-state-reasons"),
	}, nil, nil)
	if err != nil {
		return Info{}, err
	}
	if resp.code == 0x0406 {
		return Info{}, notFound(name)
	}
	if resp.code >= 0x0400 {
		return Info{}, perr.New(perr.EOFFLINE, fmt.Sprintf("get printer %s: ipp status 0x%04x", name, resp.code), "查询打印机状态失败")
	}
	info := infoFrom(resp)
	if info.Name == "" {
		info.Name = name
	}
	return info, nil
}

// reasonZh maps printer-state-reasons to what a clerk can act on.
var reasonZh = []struct{ key, zh string }{
	{"offline", "打印机离线，请检查电源和连接线"},
	{"media-empty", "打印机缺纸，请装纸"},
	{"media-needed", "打印机缺纸，请装纸"},
	{"media-jam", "打印机卡纸，请取出卡住的纸张"},
	{"door-open", "打印机机盖打开，请关好机盖"},
	{"cover-open", "打印机机盖打开，请关好机盖"},
	{"toner-empty", "墨粉已用尽，请更换耗材"},
	{"marker-supply-empty", "耗材已用尽，请更换耗材"},
	{"paused", "打印机已暂停"},
	{"shutdown", "打印机已关机"},
}

// blocking returns the Chinese reasons that stop printing ("-error" ones
// and offline), or "".
func blocking(reasons []string) string {
	var out []string
	for _, r := range reasons {
		if r == "none" || strings.HasSuffix(r, "-warning") {
			continue
		}
		for _, z := range reasonZh {
			if strings.HasPrefix(r, z.key) && (strings.HasSuffix(r, "-error") || z.key == "offline" || z.key == "paused" || z.key == "shutdown" || r == z.key) {
				out = append(out, z.zh)
				break
			}
		}
	}
	return strings.Join(out, "；")
}

func (c *CUPS) usable(info Info) error {
	if info.State == "stopped" {
		why := blocking(info.Reasons)
		if why == "" {
			why = "已被停用"
		}
		return perr.New(perr.ECONFLICT, "printer "+info.Name+" is stopped "+strings.Join(info.Reasons, ","),
			"打印机“"+info.Name+"”已停止工作（"+why+"），请在打印机管理中恢复后重试，文书未打印")
	}
	if !info.Accepting {
		return perr.New(perr.ECONFLICT, "printer "+info.Name+" is rejecting jobs",
			"打印机“"+info.Name+"”拒绝接收新的打印任务，请管理员在打印机管理中设为“接受任务”后重试，文书未打印")
	}
	if why := blocking(info.Reasons); why != "" {
		return perr.New(perr.ECONFLICT, "printer "+info.Name+" cannot print: "+strings.Join(info.Reasons, ","),
			"打印机“"+info.Name+"”无法打印："+why+"。处理后请重试，文书未打印")
	}
	return nil
}

// Print implements Printer.
func (c *CUPS) Print(ctx context.Context, printer string, job Job) (Result, error) {
	start := time.Now()
	if printer == "" {
		return Result{}, perr.New(perr.EINVALID, "no printer chosen", "未选择打印机，请在设置中为该文书选择打印机")
	}
	if len(job.PDF) == 0 {
		return Result{}, perr.New(perr.EINVALID, "empty document", "打印内容为空")
	}
	info, err := c.printer(ctx, printer)
	if err != nil {
		return Result{}, err
	}
	if err := c.usable(info); err != nil {
		return Result{}, err
	}
	copies := max(job.Copies, 1)
	resp, err := c.do(ctx, "/printers/"+url.PathEscape(printer), opPrintJob, []ippAttr{
		strAttr(tagURI, "printer-uri", c.printerURI(printer)),
		strAttr(tagName, "requesting-user-name", c.user),
		strAttr(tagName, "job-name", job.Title),
		strAttr(tagMime, "document-format", "application/pdf"),
	}, []ippAttr{intAttr(tagInteger, "copies", copies)}, job.PDF)
	if err != nil {
		return Result{}, err
	}
	switch {
	case resp.code == 0x0406:
		return Result{}, notFound(printer)
	case resp.code == 0x0506:
		return Result{}, c.usable(Info{Name: printer, State: "idle"})
	case resp.code >= 0x0400:
		return Result{}, perr.New(perr.ECONFLICT, fmt.Sprintf("print-job: ipp status 0x%04x", resp.code),
			fmt.Sprintf("打印机“%s”拒绝了打印任务（状态码 0x%04x），文书未打印", printer, resp.code))
	}
	id := resp.attr(tagJob, "job-id").int()
	if id <= 0 {
		return Result{}, perr.New(perr.EINTERNAL, "print-job: no job id", "打印服务未返回任务编号，文书可能未打印")
	}
	res := Result{Printer: printer, JobID: printer + "-" + strconv.Itoa(id)}
	if err := c.follow(ctx, printer, id); err != nil {
		return res, err
	}
	res.State, res.Elapsed = "completed", time.Since(start)
	return res, nil
}

// follow waits for job id to complete; on failure it cancels the job so it
// cannot print later behind the clerk's back.
func (c *CUPS) follow(ctx context.Context, printer string, id int) (err error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	defer func() {
		if err != nil {
			cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer ccancel()
			c.cancelJob(cctx, printer, id)
		}
	}()
	tick := time.NewTicker(c.Poll)
	defer tick.Stop()
	for n := 0; ; n++ {
		resp, err := c.do(ctx, "/", opGetJobAttributes, []ippAttr{
			strAttr(tagURI, "printer-uri", c.printerURI(printer)),
			intAttr(tagInteger, "job-id", id),
			strAttr(tagName, "requesting-user-name", c.user),
			strAttr(tagKeyword, "requested-attributes", "job-state", "job-state-reasons", "job-printer-state-message"),
		}, nil, nil)
		if err != nil {
			return err
		}
		state := resp.attr(tagJob, "job-state").int()
		reasons := strings.Join(resp.attr(tagJob, "job-state-reasons").strs(), ",")
		msg := resp.attr(tagJob, "job-printer-state-message").str()
		switch state {
		case 9:
			return nil
		case 7, 8:
			what := map[int]string{7: "被取消", 8: "被中止"}[state]
			return perr.New(perr.ECONFLICT, fmt.Sprintf("job %d ended in state %d (%s) %s", id, state, reasons, msg),
				"打印任务"+what+"（"+reasons+" "+msg+"），文书未打印完成，请检查打印机后重试")
		case 4, 6:
			return perr.New(perr.ECONFLICT, fmt.Sprintf("job %d held or stopped (%s)", id, reasons),
				"打印任务被挂起或停止（"+reasons+"），已取消该任务，文书未打印")
		}
		if n%5 == 4 { // every few polls, check the printer itself
			info, err := c.printer(ctx, printer)
			if err != nil {
				return err
			}
			if err := c.usable(info); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return perr.New(perr.ECONFLICT, fmt.Sprintf("job %d timed out in state %d", id, state),
					"打印超时，打印机长时间未完成任务，已取消该任务，文书未打印")
			}
			return perr.Wrap(ctx.Err(), perr.ECONFLICT, "print canceled", "打印已取消，文书未打印")
		case <-tick.C:
		}
	}
}

func (c *CUPS) cancelJob(ctx context.Context, printer string, id int) {
	_, _ = c.do(ctx, "/", opCancelJob, []ippAttr{
		strAttr(tagURI, "printer-uri", c.printerURI(printer)),
		intAttr(tagInteger, "job-id", id),
		strAttr(tagName, "requesting-user-name", c.user),
	}, nil, nil)
}
