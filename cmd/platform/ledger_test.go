package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/sync/protocol"
)

func TestLedgerCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	db := "sqlite:" + path
	out, code := runCmd(t, "", "admin", "--db", db, "seed-demo")
	require.Equal(t, 0, code, out)

	st, err := sqlitestore.Open(context.Background(), path)
	require.NoError(t, err)
	d, _ := storetest.Enroll(t, st, demoHallA.Code)
	ratings := map[string]string{ // payloads of the 好差评 actions
		"rated5":          `{"visit":"intake","level":5}`,
		"rated2":          `{"visit":"intake","level":2,"reasons":["办事效率"],"followUpDue":"2026-03-20"}`,
		"followup_closed": `{"visit":"intake","note":"已整改"}`,
	}
	for i, kinds := range [][]string{{"received", "accepted", "rated5"}, {"received", "refused"},
		{"received", "accepted", "handled", "rated2", "followup_closed"}} {
		c := storetest.NewCase(d, demoPlaceB.Code)
		c.ProvisionalNumber = c.ProvisionalNumber + string(rune('a'+i))
		var acts []protocol.Action
		for v, k := range kinds {
			a := storetest.NewAction(d, c.ID, k, v)
			a.DeviceTime = storetest.T0.Add(time.Duration(v*48) * time.Hour)
			if k == "received" {
				a.Payload = storetest.ReceivedPayload("张三", "410102199001011234", "社会保障卡申领")
			}
			if p, ok := ratings[k]; ok {
				a.Kind = strings.TrimRight(k, "0123456789")
				a.Payload = json.RawMessage(p)
			}
			acts = append(acts, a)
		}
		_, err := st.Push(context.Background(), d, protocol.PushRequest{Cases: []protocol.Case{c}, Actions: acts}, storetest.T0)
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())

	out, code = runCmd(t, "", "admin", "--db", db, "ledger", "--from", "2026-03-01", "--to", "2026-04-01")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "2026-03\t郑州市中原区政务服务中心\tHN-0001\t社会保障卡申领\t异地代收代办\t跨省通办\t3\t2\t1\t1\t1\t0\t48.0\t2\t3.50\t1\t1\n")
	assert.NotContains(t, out, "张三")

	xlsx := filepath.Join(dir, "台账.xlsx")
	out, code = runCmd(t, "", "admin", "--db", db, "ledger", "--from", "2026-03-01", "--to", "2026-04-01", "--xlsx", xlsx)
	require.Equal(t, 0, code, out)
	f, err := excelize.OpenFile(xlsx)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("工作台账")
	require.NoError(t, err)
	require.Len(t, rows, 6) // title, period, export time, header, one line, total
	assert.Contains(t, rows[1][0], "2026年03月01日 至 2026年03月31日")
	assert.Equal(t, "通办范围", rows[3][6])
	assert.Equal(t, "收件量", rows[3][7])
	assert.Equal(t, "差评整改办结数", rows[3][17])
	assert.Equal(t, "跨省通办", rows[4][6])
	assert.Equal(t, []string{"3", "2", "1", "1", "1", "0", "48", "2", "3.5", "1", "1"}, rows[4][7:18])
	assert.Equal(t, "合计", rows[5][0])
	assert.Equal(t, "3", rows[5][7])
	assert.Equal(t, "3.5", rows[5][15])

	_, code = runCmd(t, "", "admin", "--db", db, "ledger", "--from", "03/01/2026")
	assert.Equal(t, 1, code, "bad date")
}
