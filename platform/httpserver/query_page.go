package httpserver

import "html/template"

// queryPage is the public 办件查询 page: plain HTML, inline CSS, no script,
// readable on a phone. It shows the masked name and no other personal data.
var queryPage = template.Must(template.New("q").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>办件进度查询</title>
<style>
body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f4f6f9;color:#1f2d3d}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;margin:.5rem 0 1rem;color:#1a4fa0}
.card{background:#fff;border-radius:8px;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:1rem}
label{display:block;margin-bottom:.5rem}
input{font-size:1.4rem;letter-spacing:.3em;width:8em;padding:.4rem;border:1px solid #b8c2cc;border-radius:6px}
button{font-size:1.1rem;padding:.5rem 1.5rem;margin-top:.8rem;background:#1a4fa0;color:#fff;border:0;border-radius:6px}
.err{color:#c0392b;font-weight:bold}
.num{font-family:monospace;word-break:break-all}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;margin:0}dt{color:#667}
ol{list-style:none;padding:0;margin:0}
li{padding:.5rem 0 .5rem 1.4rem;border-left:3px solid #1a4fa0;margin-left:.4rem;position:relative}
li.todo{border-color:#ccd;color:#99a}
li time{display:block;font-size:.9rem;color:#667}
small{color:#667}
</style></head><body><main>
<h1>“跨省通办”办件进度查询</h1>
<div class="card"><div>办件编号</div><div class="num">{{.Number}}</div></div>
{{if .Progress}}{{with .Progress}}
<div class="card"><dl>
<dt>申请人</dt><dd>{{.Name}}</dd>
<dt>事项</dt><dd>{{.Matter}}</dd>
{{if .Mode}}<dt>办理模式</dt><dd>{{.Mode}}</dd>{{end}}
{{if .Scope}}<dt>通办范围</dt><dd>{{.Scope}}</dd>{{end}}
{{if .Hall}}<dt>收件地</dt><dd>{{.Hall}}</dd>{{end}}
{{if .Place}}<dt>办理地</dt><dd>{{.Place}}</dd>{{end}}
<dt>当前状态</dt><dd><strong>{{.Status}}</strong></dd>
{{if .Due}}<dt>承诺办结</dt><dd>{{.Due}} 前</dd>{{end}}
</dl></div>
<div class="card"><ol>
{{range .Steps}}<li{{if not .Date}} class="todo"{{end}}>{{.Label}}{{if .Date}}<time>{{.Date}}</time>{{else}}<time>待办理</time>{{end}}</li>
{{end}}</ol></div>
{{end}}
<p><small>本页不保存任何信息。如有疑问，请联系收件窗口。</small></p>
{{else}}
<form class="card" method="post" action="" autocomplete="off">
{{if .Message}}<p class="err" role="alert">{{.Message}}</p>{{end}}
<label for="code">请输入申请人身份证件号码后4位</label>
<input id="code" name="code" inputmode="text" maxlength="4" pattern="[0-9Xx]{4}" required autofocus>
<div><button type="submit">查询</button></div>
</form>
<p><small>办件编号见受理回执上的二维码。为保护个人信息，查询需核对证件号码后4位，频繁查询将被限制。</small></p>
{{end}}
</main></body></html>
`))

// pageData fills queryPage.
type pageData struct {
	Number   string
	Message  string
	Progress *progressView
}

type progressView struct {
	Name, Matter, Mode, Scope, Hall, Place, Status, Due string
	Steps                                               []stepView
}

type stepView struct {
	Label, Date string
	status      string // the case's status when this is the latest step done
}
